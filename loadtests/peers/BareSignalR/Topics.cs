namespace Community.LoadTests.Peers.BareSignalR;

/// <summary>The peer's SignalR groups, named as Community names its topics.</summary>
public static class Topics
{
    public static string Live(string liveId) => $"live:{liveId}";

    public static string Post(string postId) => $"post:{postId}";

    public static string User(string handle) => $"user:{handle}";

    public static string Campaign(string campaignId) => $"campaign:{campaignId}";
}
