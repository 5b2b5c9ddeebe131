using System.Security.Claims;
using Community.Conversations;
using Community.Errors;
using Community.Host.Auth;
using Community.Identity;
using Community.Validation;

namespace Community.Host.Api;

public static class ConversationsApi
{
    public sealed record OpenInput(string? With);

    public sealed record MessageInput(string? Text, string? ClientId);

    public sealed record ReadInput(long? Seq);

    public static IEndpointRouteBuilder MapConversationsApi(this IEndpointRouteBuilder app)
    {
        var conversations = app.MapGroup("/api/conversations").RequireAuthorization();

        conversations.MapPost("/", async (OpenInput input, ClaimsPrincipal user, IGrainFactory grains) =>
        {
            var me = user.Handle();
            var with = Handle.Require(input.With, "with");
            if (with == me)
            {
                throw CommunityException.Invalid("You cannot message yourself: open a conversation with another user.");
            }

            return TypedResults.Ok(await grains.GetGrain<IConversationGrain>(ConversationKey.Of(me, with)).Open(me));
        });

        conversations.MapGet("/", async (int? limit, string? before, ClaimsPrincipal user, IGrainFactory grains) =>
            TypedResults.Ok(await grains.GetGrain<IInboxGrain>(user.Handle()).List(Limits.PageSize(limit), before)));

        conversations.MapGet("/{conversationId}/messages", async (string conversationId, long? afterSeq, int? limit, ClaimsPrincipal user, IGrainFactory grains) =>
            TypedResults.Ok(await Grain(grains, conversationId, user).GetMessages(user.Handle(), Limits.AfterSeq(afterSeq), Limits.PageSize(limit))));

        conversations.MapPost("/{conversationId}/messages", async (string conversationId, MessageInput input, ClaimsPrincipal user, IGrainFactory grains) =>
        {
            var conversation = Grain(grains, conversationId, user);
            var message = await conversation.Send(user.Handle(), Limits.Text(input.Text, "message"), Limits.ClientId(input.ClientId));
            return TypedResults.Created($"/api/conversations/{conversationId}/messages?afterSeq={message.Seq - 1}&limit=1", message);
        });

        conversations.MapPost("/{conversationId}/read", async (string conversationId, ReadInput input, ClaimsPrincipal user, IGrainFactory grains) =>
        {
            var conversation = Grain(grains, conversationId, user);
            var seq = input.Seq ?? throw CommunityException.Invalid("seq is required: the seq of the last message read.");
            return TypedResults.Ok(await conversation.MarkRead(user.Handle(), seq));
        });

        return app;
    }

    /// <summary>The caller's conversation: a malformed or foreign id is a 404 before any grain is touched.</summary>
    private static IConversationGrain Grain(IGrainFactory grains, string conversationId, ClaimsPrincipal user)
    {
        ConversationKey.RequireParticipant(conversationId, user.Handle());
        return grains.GetGrain<IConversationGrain>(conversationId);
    }
}
