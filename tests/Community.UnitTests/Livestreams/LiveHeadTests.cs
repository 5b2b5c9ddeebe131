using Community.Errors;
using Community.Grains.Livestreams;
using Community.Livestreams;
using Microsoft.Extensions.Time.Testing;

namespace Community.UnitTests.Livestreams;

public class LiveHeadTests
{
    private readonly FakeTimeProvider _time = new();

    private LiveHead Room(params string[] hosts) => new("Cooking", null, _time.GetUtcNow(), hosts.Length == 0 ? ["maya"] : hosts);

    [Fact]
    public void A_host_starts_a_scheduled_stream_and_ends_a_live_one()
    {
        var live = Room().Started("maya", _time.GetUtcNow());
        _time.Advance(TimeSpan.FromMinutes(30));
        var ended = live.Ended("maya", _time.GetUtcNow());

        Assert.Equal(LiveStatus.Live, live.Status);
        Assert.Equal(LiveStatus.Ended, ended.Status);
        Assert.Equal(TimeSpan.FromMinutes(30), ended.EndedAt - ended.StartedAt);
    }

    [Fact]
    public void Ending_twice_is_a_conflict()
    {
        var ended = Room().Started("maya", _time.GetUtcNow()).Ended("maya", _time.GetUtcNow());

        var ex = Assert.Throws<CommunityException>(() => ended.Ended("maya", _time.GetUtcNow()));

        Assert.Equal(ErrorKind.Conflict, ex.Kind);
        Assert.Contains("already ended", ex.Message);
    }

    [Fact]
    public void A_stream_cannot_end_before_it_starts_nor_start_twice_nor_start_again_after_it_ended()
    {
        var scheduled = Room();
        var live = scheduled.Started("maya", _time.GetUtcNow());

        Assert.Equal(ErrorKind.Conflict, Assert.Throws<CommunityException>(() => scheduled.Ended("maya", _time.GetUtcNow())).Kind);
        Assert.Equal(ErrorKind.Conflict, Assert.Throws<CommunityException>(() => live.Started("maya", _time.GetUtcNow())).Kind);
        Assert.Equal(ErrorKind.Conflict, Assert.Throws<CommunityException>(() => live.Ended("maya", _time.GetUtcNow()).Started("maya", _time.GetUtcNow())).Kind);
    }

    [Fact]
    public void Only_a_host_may_start_end_or_invite()
    {
        var room = Room();

        Assert.Equal(ErrorKind.Forbidden, Assert.Throws<CommunityException>(() => room.Started("ben", _time.GetUtcNow())).Kind);
        Assert.Equal(ErrorKind.Forbidden, Assert.Throws<CommunityException>(() => room.WithInvite("ben", "ava", 6)).Kind);
    }

    [Fact]
    public void The_chat_is_open_only_while_live()
    {
        var scheduled = Room();
        var live = scheduled.Started("maya", _time.GetUtcNow());

        Assert.Contains("not started", Assert.Throws<CommunityException>(scheduled.RequireLiveChat).Message);
        live.RequireLiveChat();
        Assert.Contains("ended", Assert.Throws<CommunityException>(live.Ended("maya", _time.GetUtcNow()).RequireLiveChat).Message);
    }

    [Fact]
    public void Pending_invites_count_toward_the_host_limit()
    {
        var room = Room().WithInvite("maya", "ben", 3).WithInvite("maya", "ava", 3);

        var ex = Assert.Throws<CommunityException>(() => room.WithInvite("maya", "kim", 3));

        Assert.Equal(ErrorKind.Conflict, ex.Kind);
        Assert.Contains("at most 3 hosts", ex.Message);
    }

    [Fact]
    public void Inviting_the_same_creator_again_changes_nothing_and_inviting_a_host_is_a_conflict()
    {
        var room = Room().WithInvite("maya", "ben", 6);

        Assert.Same(room, room.WithInvite("maya", "ben", 6));
        Assert.Equal(ErrorKind.Conflict, Assert.Throws<CommunityException>(() => room.WithInvite("maya", "maya", 6)).Kind);
    }

    [Fact]
    public void Accepting_turns_an_invite_into_a_host_and_accepting_again_changes_nothing()
    {
        var room = Room().WithInvite("maya", "ben", 6).WithHost("ben", 6);

        Assert.Equal(["maya", "ben"], room.Hosts);
        Assert.Empty(room.Invited);
        Assert.Same(room, room.WithHost("ben", 6));
    }

    [Fact]
    public void Accepting_an_invite_one_never_got_is_forbidden()
    {
        var ex = Assert.Throws<CommunityException>(() => Room().WithHost("ben", 6));

        Assert.Equal(ErrorKind.Forbidden, ex.Kind);
        Assert.Contains("no invitation", ex.Message);
    }

    [Fact]
    public void A_moderator_who_becomes_a_host_is_no_longer_listed_as_moderator()
    {
        var room = Room().Apply(new ModerationCommand(ModerationAction.AddModerator, "ben")).WithInvite("maya", "ben", 6).WithHost("ben", 6);

        Assert.Empty(room.Moderators);
        Assert.True(room.CanModerate("ben"));
    }

    [Fact]
    public void Viewers_count_for_the_host_they_name_or_the_first_host_and_hosts_for_themselves()
    {
        var room = Room("maya", "ben");

        Assert.Equal("ben", room.ResolveVia("fan", "ben"));
        Assert.Equal("maya", room.ResolveVia("fan", null));
        Assert.Equal("ben", room.ResolveVia("ben", "maya"));
        Assert.Contains("via must be one of the hosts", Assert.Throws<CommunityException>(() => room.ResolveVia("fan", "ava")).Message);
    }

    [Fact]
    public void Moderators_may_moderate_but_only_hosts_appoint_moderators()
    {
        var room = Room().Apply(new ModerationCommand(ModerationAction.AddModerator, "mod"));

        room.RequireModerator("mod", new ModerationCommand(ModerationAction.Ban, "troll"));
        Assert.Equal(ErrorKind.Forbidden, Assert.Throws<CommunityException>(() => room.RequireModerator("mod", new ModerationCommand(ModerationAction.AddModerator, "x"))).Kind);
        Assert.Equal(ErrorKind.Forbidden, Assert.Throws<CommunityException>(() => room.RequireModerator("fan", new ModerationCommand(ModerationAction.Unpin))).Kind);
    }

    [Fact]
    public void Hosts_and_moderators_cannot_be_restricted()
    {
        var room = Room().Apply(new ModerationCommand(ModerationAction.AddModerator, "mod"));

        Assert.Contains("hosts cannot be", Assert.Throws<CommunityException>(() => room.RequireRestrictable("maya")).Message);
        Assert.Contains("removeModerator", Assert.Throws<CommunityException>(() => room.RequireRestrictable("mod")).Message);
        room.RequireRestrictable("troll");
    }

    [Fact]
    public void Settings_pins_and_term_lists_change_with_moderation()
    {
        var room = Room()
            .Apply(new ModerationCommand(ModerationAction.SlowMode, Seconds: 30))
            .Apply(new ModerationCommand(ModerationAction.FollowersOnly, Enabled: true))
            .Apply(new ModerationCommand(ModerationAction.Pin, MessageSeq: 4))
            .Apply(new ModerationCommand(ModerationAction.BlockTerms, Terms: ["spoiler", "scam"]))
            .Apply(new ModerationCommand(ModerationAction.UnblockTerms, Terms: ["scam"]));

        Assert.Equal((30, true, 4L), (room.SlowModeSeconds, room.FollowersOnly, room.PinnedSeq));
        Assert.Equal(["spoiler"], room.BlockedTerms);
        Assert.Equal(0, room.Apply(new ModerationCommand(ModerationAction.Unpin)).PinnedSeq);
    }

    [Fact]
    public void Terms_stored_before_folding_are_unblocked_and_merged_by_how_they_read()
    {
        var stored = Room() with { BlockedTerms = ["ｓｐｏｉｌｅｒ", "sc\u200Bam", "ok"] };

        var room = stored
            .Apply(new ModerationCommand(ModerationAction.UnblockTerms, Terms: ["spoiler"]))
            .Apply(new ModerationCommand(ModerationAction.BlockTerms, Terms: ["scam"]));

        Assert.Equal(["scam", "ok"], room.BlockedTerms);
    }

    [Fact]
    public void A_room_holds_at_most_fifty_blocked_terms()
    {
        var room = Room().Apply(new ModerationCommand(ModerationAction.BlockTerms, Terms: Enumerable.Range(0, 50).Select(i => $"t{i}").ToList()));

        var ex = Assert.Throws<CommunityException>(() => room.Apply(new ModerationCommand(ModerationAction.BlockTerms, Terms: ["one more"])));

        Assert.Contains("limit is 50", ex.Message);
    }

    [Fact]
    public void A_host_cannot_be_made_a_moderator()
    {
        Assert.Equal(ErrorKind.Invalid, Assert.Throws<CommunityException>(() => Room().Apply(new ModerationCommand(ModerationAction.AddModerator, "maya"))).Kind);
    }

    [Fact]
    public void Chatters_count_once_in_total_and_once_per_host_they_chatted_through()
    {
        var room = Room("maya", "ben").WithChatter("maya", firstMessage: true).WithChatter("ben", firstMessage: false).WithChatter("ben", firstMessage: true);

        Assert.Equal(2, room.UniqueChatters);
        Assert.Equal((1L, 2L), (room.ChattersByHost["maya"], room.ChattersByHost["ben"]));
    }

    [Fact]
    public void The_head_row_round_trips_through_its_json()
    {
        var room = Room("maya", "ben").Started("maya", _time.GetUtcNow()).WithChatter("ben", firstMessage: true) with { LastSeq = 9, PinnedSeq = 3 };

        var read = Community.Grains.Storage.LogJson.Read<LiveHead>(Community.Grains.Storage.LogJson.Write(room));

        Assert.Equal((room.Status, room.StartedAt, room.LastSeq, room.PinnedSeq, room.UniqueChatters), (read.Status, read.StartedAt, read.LastSeq, read.PinnedSeq, read.UniqueChatters));
        Assert.Equal(room.Hosts, read.Hosts);
        Assert.Equal(1, read.ChattersByHost["ben"]);
    }

    [Fact]
    public void Banning_an_invited_creator_revokes_the_invite_and_banning_anyone_else_leaves_invites_alone()
    {
        var room = Room().WithInvite("maya", "leo", maxHosts: 6).WithInvite("maya", "ada", maxHosts: 6);

        var banned = room.Apply(new ModerationCommand(ModerationAction.Ban, "leo"));
        var other = room.Apply(new ModerationCommand(ModerationAction.Ban, "troll"));

        Assert.Equal(["ada"], banned.Invited);
        Assert.Same(room.Invited, other.Invited);
    }
}
