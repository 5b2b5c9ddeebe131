using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Community.LoadTests.Peers.BareSignalR;

/// <summary>Everything the peer knows, in memory: live rooms, posts with their comments and counters, conversations, campaigns.</summary>
public sealed class PeerState(TimeProvider time)
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    public ConcurrentDictionary<string, LiveRoom> Rooms { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, Post> Posts { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, OrderedStream<Message>> Conversations { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, Campaign> Campaigns { get; } = new(StringComparer.Ordinal);

    public TimeProvider Time { get; } = time;

    public static string NewId(char prefix) => prefix + RandomNumberGenerator.GetString(Alphabet, 12);

    /// <summary>The conversation id of the API contract: the two handles, sorted, joined by <c>~</c>.</summary>
    public static string ConversationId(string a, string b) =>
        string.CompareOrdinal(a, b) < 0 ? $"{a}~{b}" : $"{b}~{a}";

    public static bool TryParticipants(string conversationId, out string first, out string second)
    {
        var parts = conversationId.Split('~');
        (first, second) = parts.Length == 2 ? (parts[0], parts[1]) : ("", "");
        return parts.Length == 2 && parts[0].Length > 0 && string.CompareOrdinal(parts[0], parts[1]) < 0;
    }
}

public sealed class LiveRoom(string liveId, string title, string host)
{
    private int _viewers;

    public string LiveId { get; } = liveId;

    public string Host { get; } = host;

    public string Status { get; set; } = "scheduled";

    public OrderedStream<ChatMessage> Chat { get; } = new(liveId);

    public LiveRoomView View() => new(LiveId, title, Status, [Host], Volatile.Read(ref _viewers), Chat.LastSeq);

    public void ViewerJoined() => Interlocked.Increment(ref _viewers);

    public void ViewerLeft() => Interlocked.Decrement(ref _viewers);
}

public sealed class Post(string postId, string creator, string text, string? campaignId)
{
    private readonly Lock _lock = new();
    private readonly HashSet<string> _likedBy = new(StringComparer.Ordinal);
    private readonly HashSet<string> _savedBy = new(StringComparer.Ordinal);
    private long _likes;
    private long _shares;
    private long _saves;

    public string PostId { get; } = postId;

    public string Creator { get; } = creator;

    public string? CampaignId { get; } = campaignId;

    public OrderedStream<CommentMessage> Comments { get; } = new(postId);

    /// <summary>Counts a reaction <paramref name="times"/> times (1, unless a fault says otherwise); a like and a save count once per user.</summary>
    public (Counters Counters, Totals Delta) React(string user, string kind, int times)
    {
        lock (_lock)
        {
            var (likes, shares, saves) = (_likes, _shares, _saves);
            for (var i = 0; i < times; i++)
            {
                switch (kind)
                {
                    case "like" when _likedBy.Add(user) || i > 0:
                        _likes++;
                        break;
                    case "save" when _savedBy.Add(user) || i > 0:
                        _saves++;
                        break;
                    case "share":
                        _shares++;
                        break;
                }
            }

            return (CountersUnlocked(), new Totals(_likes - likes, 0, _shares - shares, _saves - saves));
        }
    }

    public Counters Counters()
    {
        lock (_lock)
        {
            return CountersUnlocked();
        }
    }

    public PostView View()
    {
        var c = Counters();
        return new PostView(PostId, Creator, text, CampaignId, Comments.LastSeq, c.Likes, c.Comments, c.Shares, c.Saves);
    }

    private Counters CountersUnlocked()
    {
        var comments = Comments.LastSeq;
        return new Counters(PostId, _likes, comments, _shares, _saves, _likes + comments + _shares + _saves);
    }
}

public sealed class Campaign(string campaignId, string name, string owner)
{
    private readonly Lock _lock = new();
    private Totals _totals = new(0, 0, 0, 0);
    private bool _changed;

    public string CampaignId { get; } = campaignId;

    public string Owner { get; } = owner;

    public void Add(Totals delta)
    {
        lock (_lock)
        {
            _totals = new Totals(_totals.Likes + delta.Likes, _totals.Comments + delta.Comments, _totals.Shares + delta.Shares, _totals.Saves + delta.Saves);
            _changed = true;
        }
    }

    public CampaignSnapshot Snapshot(DateTimeOffset at)
    {
        lock (_lock)
        {
            return Unlocked(at);
        }
    }

    /// <summary>The snapshot if anything changed since the last call, else null.</summary>
    public CampaignSnapshot? TakeChanged(DateTimeOffset at)
    {
        lock (_lock)
        {
            if (!_changed)
            {
                return null;
            }

            _changed = false;
            return Unlocked(at);
        }
    }

    private CampaignSnapshot Unlocked(DateTimeOffset at) =>
        new(CampaignId, name, Owner, _totals, _totals.Likes + _totals.Comments + _totals.Shares + _totals.Saves, at);
}
