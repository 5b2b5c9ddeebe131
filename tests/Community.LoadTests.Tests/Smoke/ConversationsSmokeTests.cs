using Community.LoadTests.Client;
using Community.LoadTests.Scenarios;

namespace Community.LoadTests.Tests.Smoke;

public class ConversationsSmokeTests
{
    private static readonly ConversationsSettings Pairs = new(Pairs: 3);

    [Theory]
    [InlineData(ReceiverKind.Raw)]
    [InlineData(ReceiverKind.SignalR)]
    public async Task Against_the_bare_SignalR_peer_both_participants_get_every_message_once_in_order(ReceiverKind receiver)
    {
        await using var peer = await InProcessPeer.StartAsync();

        var report = await Tiny.RunAsync(new ConversationsScenario(Pairs, Tiny.Context(peer, receiver), Tiny.Run));

        Tiny.AssertClean(report);
        Assert.Equal(report.Phases[0].Sends.Acked * 2, report.Phases[0].Delivery.Delivered);
    }

    [Theory]
    [InlineData(ReceiverKind.Raw)]
    [InlineData(ReceiverKind.SignalR)]
    public async Task A_dropped_a_duplicated_and_a_reordered_message_delivery_are_reported_as_exactly_one_lost_one_duplicated_and_one_out_of_order(ReceiverKind receiver)
    {
        await using var peer = await InProcessPeer.StartAsync(new DropOneDuplicateOneReorderOne());

        var report = await Tiny.RunAsync(new ConversationsScenario(Pairs, Tiny.Context(peer, receiver), Tiny.Run));

        Tiny.AssertOneLostOneDuplicatedOneReordered(report);
    }
}
