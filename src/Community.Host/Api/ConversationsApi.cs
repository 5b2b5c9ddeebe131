using System.Security.Claims;
using Community.Conversations;
using Community.Creators;
using Community.Errors;
using Community.Host.Hosting;
using Community.Host.Auth;
using Community.Identity;
using Community.Validation;

namespace Community.Host.Api;

public static class ConversationsApi
{
    public sealed record OpenInput(string? With);

    public sealed record MessageInput(string? Text, string? ClientId);

    public sealed record ReadInput(long? Seq);

    public sealed record PolicyInput(string? Policy);

    public sealed record BlockedList(IReadOnlyList<string> Items);

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
            var message = await conversation.Send(user.Handle(), input.Text ?? "", input.ClientId);
            return TypedResults.Created($"/api/conversations/{conversationId}/messages?afterSeq={message.Seq - 1}&limit=1", message);
        });

        conversations.MapPost("/{conversationId}/read", async (string conversationId, ReadInput input, ClaimsPrincipal user, IGrainFactory grains) =>
        {
            var conversation = Grain(grains, conversationId, user);
            var seq = input.Seq ?? throw CommunityException.Invalid("seq is required: the seq of the last message read.");
            return TypedResults.Ok(await conversation.MarkRead(user.Handle(), seq));
        });

        // Who may write to a creator: the creator's own settings, next to their profile.
        var creator = app.MapGroup("/api/creators/{handle}").RequireAuthorization();

        creator.MapGet("/dm-policy", async (string handle, IGrainFactory grains) =>
            TypedResults.Ok(await grains.GetGrain<ICreatorGrain>(Handle.Require(handle)).GetDmSettings()));

        creator.MapPut("/dm-policy", async (string handle, PolicyInput input, ClaimsPrincipal user, IGrainFactory grains) =>
        {
            user.RequireSelf(handle, "choose who may message this creator");
            return TypedResults.Ok(await grains.GetGrain<ICreatorGrain>(handle).SetDmPolicy(DmPolicy.Parse(input.Policy)));
        });

        creator.MapGet("/blocked", async (string handle, ClaimsPrincipal user, IGrainFactory grains) =>
        {
            user.RequireSelf(handle, "see whom this creator blocked");
            return TypedResults.Ok(new BlockedList(await grains.GetGrain<ICreatorGrain>(handle).Blocked()));
        });

        creator.MapPut("/blocked/{blocked}", async (string handle, string blocked, ClaimsPrincipal user, IGrainFactory grains) =>
        {
            user.RequireSelf(handle, "block users for this creator");
            return TypedResults.Ok(await grains.GetGrain<ICreatorGrain>(handle).Block(Handle.Require(blocked, "user to block")));
        });

        creator.MapDelete("/blocked/{blocked}", async (string handle, string blocked, ClaimsPrincipal user, IGrainFactory grains) =>
        {
            user.RequireSelf(handle, "unblock users for this creator");
            return TypedResults.Ok(await grains.GetGrain<ICreatorGrain>(handle).Unblock(Handle.Require(blocked, "user to unblock")));
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
