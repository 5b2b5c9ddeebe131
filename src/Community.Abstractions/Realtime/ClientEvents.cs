using Community.Campaigns;
using Community.Engagement;
using Community.Livestreams;
using Community.Posts;

namespace Community.Realtime;

/// <summary>
/// A wire record that the hub sends to clients as an event: the record is the event's payload and its type names the
/// event (<see cref="EventName"/>, the SignalR client method). Publish one with <c>fanout.Publish(topic, record)</c>;
/// no call site spells an event's name.
/// </summary>
public interface IClientEvent
{
    /// <summary>The event's name as clients see it: one of <see cref="ClientEvents"/>.</summary>
    static abstract string EventName { get; }
}

/// <summary>
/// The names of the events the hub sends to clients (the SignalR client method names), each the
/// <see cref="IClientEvent.EventName"/> of one wire record.
/// </summary>
public static class ClientEvents
{
    public const string CommentAdded = nameof(CommentAdded);
    public const string ReactionAdded = nameof(ReactionAdded);
    public const string EngagementUpdated = nameof(EngagementUpdated);
    public const string MessageReceived = nameof(MessageReceived);
    public const string MessagesRead = nameof(MessagesRead);
    public const string Typing = nameof(Typing);
    public const string ChatReceived = nameof(ChatReceived);
    public const string ChatRemoved = nameof(ChatRemoved);
    public const string LiveUpdated = nameof(LiveUpdated);
    public const string ViewersUpdated = nameof(ViewersUpdated);
    public const string CampaignUpdated = nameof(CampaignUpdated);
    public const string InviteReceived = nameof(InviteReceived);
    public const string UnansweredChanged = nameof(UnansweredChanged);
}

/// <summary>
/// Topics name who receives an event. <c>user:{handle}</c> reaches every connection of that user;
/// every other topic is a SignalR group that connections join by subscribing.
/// </summary>
public static class Topics
{
    public const string UserPrefix = "user:";

    public static string Post(string postId) => "post:" + postId;

    public static string User(string handle) => UserPrefix + handle;

    public static string Creator(string handle) => "creator:" + handle;

    public static string Live(string liveId) => "live:" + liveId;

    public static string Campaign(string campaignId) => "campaign:" + campaignId;

    /// <summary>The grain that publishes <paramref name="topic"/>, or null for user topics (which many grains publish to).</summary>
    public static IRealtimeSource? SourceOf(IGrainFactory grains, string topic)
    {
        var colon = topic.IndexOf(':', StringComparison.Ordinal);
        var id = topic[(colon + 1)..];
        return topic[..(colon + 1)] switch
        {
            "post:" => grains.GetGrain<IPostGrain>(id),
            "live:" => grains.GetGrain<ILivestreamGrain>(id),
            "campaign:" => grains.GetGrain<ICampaignGrain>(id),
            "creator:" => grains.GetGrain<ICreatorEngagementGrain>(id),
            _ => null,
        };
    }
}
