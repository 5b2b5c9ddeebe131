using Community.Conversations;
using Community.Grains.Conversations;
using Community.Grains.Storage;
using Community.IntegrationTests.Infrastructure;

namespace Community.IntegrationTests.Grains;

/// <summary>An inbox's partition, written through the journal.</summary>
[Collection(GrainClusterCollection.Name)]
public sealed class InboxGrainTests(GrainClusterFixture fixture)
{
    [Fact]
    public async Task An_inbox_stored_before_batch_ids_reads_moves_its_line_on_a_new_message_and_a_repeated_update_writes_nothing()
    {
        var (owner, fan) = (ClusterFixture.Unique("me"), ClusterFixture.Unique("fan"));
        var conversationId = ConversationKey.Of(owner, fan);
        var stored = InboxMath.Merge(null, new InboxUpdate(conversationId, fan, Message(conversationId, 2, fan), 0));
        var json = LogJson.Write(stored);
        await fixture.Stores.Get(InboxGrain.Table).CommitAsync(owner, null, """{"conversations":1,"unread":2}""",
            [LogWrite.Upsert(LogKeys.Of("c", conversationId), json), LogWrite.Upsert(InboxMath.ListingKey(stored), json)]);
        var inbox = fixture.Grains.GetGrain<IInboxGrain>(owner);

        var before = await inbox.List(10, null);
        var update = new InboxUpdate(conversationId, fan, Message(conversationId, 3, fan), 1);
        await inbox.Apply(update);
        var writes = fixture.Stores.CommitsOf(owner);
        await inbox.Apply(update);
        var after = await inbox.List(10, null);

        Assert.Equal((2L, 2L), (before.Unread, before.Items.Single().LastSeq));
        Assert.Equal((2L, 3L, 1L), (after.Unread, after.Items.Single().LastSeq, after.Items.Single().ReadSeq));
        Assert.Equal(writes, fixture.Stores.CommitsOf(owner));
    }

    private static Message Message(string conversationId, long seq, string author) =>
        new(conversationId, seq, MessageKey.Format(conversationId, seq), author, $"message {seq}", DateTimeOffset.UtcNow.AddSeconds(seq));
}
