using System.Reflection;
using Community.Posts;
using Community.Realtime;

namespace Community.UnitTests.Realtime;

public class ClientEventTests
{
    private static readonly Type[] EventTypes = typeof(IClientEvent).Assembly.GetTypes()
        .Where(t => t.IsClass && t.GetInterfaces().Contains(typeof(IClientEvent)))
        .ToArray();

    [Fact]
    public void Every_event_clients_hear_is_named_by_exactly_one_wire_record()
    {
        var names = EventTypes.Select(NameOf).Order(StringComparer.Ordinal).ToList();
        var documented = typeof(ClientEvents).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (string)f.GetRawConstantValue()!)
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(documented, names);
    }

    [Fact]
    public void A_typed_event_goes_out_under_its_documented_name_with_the_record_as_its_payload()
    {
        var comment = new Comment("p1", 3, "c3", "ana", "hi", null, DateTimeOffset.UnixEpoch, false);

        var evt = RealtimeEvent.Of(Topics.Post("p1"), comment, comment.Seq);

        Assert.Equal(new RealtimeEvent("post:p1", "CommentAdded", comment, 3), evt);
    }

    private static string NameOf(Type type) =>
        (string)typeof(ClientEventTests).GetMethod(nameof(EventNameOf), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(type).Invoke(null, null)!;

    private static string EventNameOf<T>()
        where T : IClientEvent => T.EventName;
}
