using Community.Host.Hosting;
using Community.Conversations;
using Community.Validation;

namespace Community.Host.Hubs;

public sealed partial class CommunityHub
{
    // No subscription: conversation events go to the user topics of both participants, which reach every
    // connection of each of them on any host.
    public Task<Message> SendMessage(string conversationId, string text, string? clientId) =>
        Conversation(conversationId).Send(Me, text, clientId);

    public Task<ReadReceipt> MarkRead(string conversationId, long seq) =>
        Conversation(conversationId).MarkRead(Me, seq);

    public Task Typing(string conversationId) =>
        Conversation(conversationId).Typing(Me);

    private IConversationGrain Conversation(string conversationId)
    {
        ConversationKey.RequireParticipant(conversationId, Me);
        return grains.GetGrain<IConversationGrain>(conversationId);
    }
}
