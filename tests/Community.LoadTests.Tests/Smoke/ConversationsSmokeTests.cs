using Community.LoadTests.Scenarios;

namespace Community.LoadTests.Tests.Smoke;

public class ConversationsSmokeTests
{
    private static readonly ConversationsSettings Pairs = new(Pairs: 3);

    [Fact]
    public async Task Against_the_bare_SignalR_peer_both_participants_get_every_message_once_in_order()
    {
        await using var peer = await InProcessPeer.StartAsync();

        var report = await Tiny.RunAsync(new ConversationsScenario(Pairs, Tiny.Context(peer), Tiny.Run));

        Tiny.AssertClean(report);
        Assert.Equal(report.Phases[0].Sends.Acked * 2, report.Phases[0].Delivery.Delivered);
    }

    [Fact]
    public async Task A_dropped_and_a_duplicated_message_delivery_are_reported_as_exactly_one_lost_and_one_duplicated()
    {
        await using var peer = await InProcessPeer.StartAsync(new DropOneDuplicateOne());

        var report = await Tiny.RunAsync(new ConversationsScenario(Pairs, Tiny.Context(peer), Tiny.Run));

        Tiny.AssertOneLostOneDuplicated(report);
    }
}
