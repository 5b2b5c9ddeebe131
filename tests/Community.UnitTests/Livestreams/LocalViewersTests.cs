using Community.Grains.Livestreams;

namespace Community.UnitTests.Livestreams;

public class LocalViewersTests
{
    private readonly LocalViewers _viewers = new();

    [Fact]
    public void Each_room_reports_its_connections_per_host_they_joined_through()
    {
        _viewers.Join("c1", "uc1", "room1", "maya");
        _viewers.Join("c2", "uc2", "room1", "maya");
        _viewers.Join("c3", "uc3", "room1", "ben");
        _viewers.Join("c1", "uc1", "room2", "ben");

        var reports = _viewers.Collect().ToDictionary(r => r.LiveId, r => r.ByVia);

        Assert.Equal(2, reports["room1"]["maya"]);
        Assert.Equal(1, reports["room1"]["ben"]);
        Assert.Equal(1, reports["room2"]["ben"]);
    }

    [Fact]
    public void Joining_twice_counts_once_and_joining_through_another_host_moves_the_viewer()
    {
        _viewers.Join("c1", "uc1", "room1", "maya");
        _viewers.Join("c1", "uc1", "room1", "maya");
        _viewers.Join("c1", "uc1", "room1", "ben");

        var report = Assert.Single(_viewers.Collect());

        Assert.Equal(new Dictionary<string, int> { ["ben"] = 1 }, report.ByVia);
        Assert.Equal("ben", _viewers.ViaOf("c1", "room1"));
    }

    [Fact]
    public void A_room_whose_last_viewer_left_is_reported_empty_once()
    {
        _viewers.Join("c1", "uc1", "room1", "maya");
        _viewers.Collect();

        _viewers.Leave("c1", "room1");

        Assert.Empty(Assert.Single(_viewers.Collect()).ByVia);
        Assert.Empty(_viewers.Collect());
        Assert.Null(_viewers.ViaOf("c1", "room1"));
    }

    [Fact]
    public void A_disconnect_leaves_every_room_of_the_connection()
    {
        _viewers.Join("c1", "uc1", "room1", "maya");
        _viewers.Join("c1", "uc1", "room2", "ben");
        _viewers.Join("c2", "uc2", "room2", "ben");

        _viewers.Disconnected("c1");

        var reports = _viewers.Collect().ToDictionary(r => r.LiveId, r => r.ByVia);
        Assert.Empty(reports["room1"]);
        Assert.Equal(1, reports["room2"]["ben"]);
    }

    [Fact]
    public void Rooms_with_viewers_are_reported_every_time_so_their_counts_never_expire()
    {
        _viewers.Join("c1", "uc1", "room1", "maya");

        Assert.Single(_viewers.Collect());
        Assert.Single(_viewers.Collect());
    }

    [Fact]
    public void Leaving_a_room_never_joined_changes_nothing()
    {
        _viewers.Leave("c1", "room1");
        _viewers.Disconnected("c2");

        Assert.Empty(_viewers.Collect());
    }

    [Fact]
    public void A_stopping_host_reports_every_room_it_serves_as_empty()
    {
        _viewers.Join("c1", "uc1", "room1", "maya");
        _viewers.Join("c2", "uc2", "room2", "ben");

        var goodbye = _viewers.CollectEmpty();

        Assert.Equal(["room1", "room2"], goodbye.Select(r => r.LiveId).Order());
        Assert.All(goodbye, r => Assert.Empty(r.ByVia));
    }

    [Fact]
    public void A_user_with_many_connections_in_a_room_counts_once_for_the_host_of_their_latest_join()
    {
        for (var i = 0; i < 20; i++)
        {
            _viewers.Join($"tab{i}", "troll", "room1", "maya");
        }

        _viewers.Join("tab20", "troll", "room1", "ben");
        _viewers.Join("c1", "fan", "room1", "maya");

        Assert.Equal(new Dictionary<string, int> { ["maya"] = 1, ["ben"] = 1 }, Assert.Single(_viewers.Collect()).ByVia);

        _viewers.Disconnected("tab20");
        for (var i = 0; i < 19; i++)
        {
            _viewers.Leave($"tab{i}", "room1");
        }

        Assert.Equal(new Dictionary<string, int> { ["maya"] = 2 }, Assert.Single(_viewers.Collect()).ByVia);

        _viewers.Disconnected("tab19");

        Assert.Equal(new Dictionary<string, int> { ["maya"] = 1 }, Assert.Single(_viewers.Collect()).ByVia);
    }
}
