using Community.Creators;
using Community.Errors;
using Community.Grains.Storage;
using Community.Livestreams;

namespace Community.Grains.Livestreams;

/// <summary>
/// A room's chat rules: what a message must pass before it is submitted (followers-only, blocked terms, slow mode, the
/// per-user rate limit; hosts and moderators are exempt), and how a message is planned on the room's head (a gap-free
/// seq, the author's row on their first message through a host). Used from the room grain's context.
/// </summary>
internal sealed class LiveChat(string liveId, TimeProvider time, LivestreamOptions options, IGrainFactory grains, LiveUsers users)
{
    private static readonly TimeSpan FollowerCacheTime = TimeSpan.FromMinutes(1);

    private readonly RecentMap<DateTimeOffset> _followers = new(50_000);
    private readonly SlowModeGate _slowMode = new(time);
    private readonly ChatRateLimiter _rateLimiter = new(time, options.ChatBurst, options.ChatRefillInterval);
    private BlockedTerms.Matcher _terms = new([]);

    /// <summary>Checks <paramref name="author"/>'s message against the room as it is (<paramref name="head"/> is read again after each wait) and reserves its slow-mode and rate-limit slots.</summary>
    public async Task<ChatOp> PrepareAsync(Func<LiveHead> head, string author, string text, string? via, ClientKey? client)
    {
        var room = head();
        room.RequireLiveChat();
        via = room.ResolveVia(author, via);
        var user = await users.GetAsync(author);
        user.EnsureMayChat(time.GetUtcNow());
        if (!head().CanModerate(author))
        {
            await RequireMayWriteAsync(head, author, text);
        }

        return new ChatOp(author, text, via, user) { Client = client };
    }

    public Decision<LiveHead> Plan(LiveHead head, ChatOp c)
    {
        var now = time.GetUtcNow();
        head.RequireLiveChat();
        var user = users.Current(c.Author, c.Loaded);
        user.EnsureMayChat(now);

        var seq = head.LastSeq + 1;
        var offset = Math.Max(0, Math.Round((now - head.StartedAt!.Value).TotalSeconds, 3));
        var message = new ChatMessage(liveId, seq, ChatKey.Format(liveId, seq), c.Author, c.Text, now, c.Via, Removed: false, offset);
        List<LogWrite> rows = [LogWrite.Insert(LogKeys.Seq(seq), ChatRowFormat.Instance.Write(message))];
        var next = head with { LastSeq = seq };
        LiveUser? after = null;
        if (!user.Vias.Contains(c.Via, StringComparer.Ordinal))
        {
            after = user with { Vias = [.. user.Vias, c.Via], Stored = true };
            rows.Add(LiveUsers.Write(c.Author, user, after));
            next = next.WithChatter(c.Via, firstMessage: !user.HasChatted);
        }

        return new(next, rows, message, seq, new ChatEffect(after));
    }

    private async Task RequireMayWriteAsync(Func<LiveHead> head, string author, string text)
    {
        if (head().FollowersOnly && !await FollowsAnyHostAsync(head().Hosts, author))
        {
            throw CommunityException.Forbidden($"This chat is followers-only: follow one of the hosts ({string.Join(", ", head().Hosts)}) to write.");
        }

        var room = head();
        if (TermsOf(room).FindMatch(text) is not null)
        {
            throw CommunityException.Invalid("Your message contains a term the hosts have blocked in this chat; it was not sent. Rephrase it and try again.");
        }

        // Checked last and reserved at once (no await in between), so a refused message costs no slot and racing ones cannot share one.
        if (_slowMode.Wait(author, room.SlowModeSeconds) is { } slow)
        {
            throw ChatRefusal.SlowMode(room.SlowModeSeconds, slow);
        }

        if (_rateLimiter.Wait(author) is { } tooFast)
        {
            throw ChatRefusal.TooFast(tooFast);
        }

        _slowMode.Sent(author);
        _rateLimiter.Take(author);
    }

    // The room's terms change only by moderation, which replaces the list: fold them again only then.
    private BlockedTerms.Matcher TermsOf(LiveHead room)
    {
        if (!ReferenceEquals(_terms.Terms, room.BlockedTerms))
        {
            _terms = new BlockedTerms.Matcher(room.BlockedTerms);
        }

        return _terms;
    }

    private async Task<bool> FollowsAnyHostAsync(IReadOnlyList<string> hosts, string user)
    {
        var now = time.GetUtcNow();
        if (_followers.TryGetValue(user, out var confirmed) && now - confirmed < FollowerCacheTime)
        {
            return true;
        }

        var follows = await Task.WhenAll(hosts.Select(h => grains.GetGrain<ICreatorGrain>(h).IsFollower(user)));
        if (follows.Any(f => f))
        {
            _followers.Set(user, now);
            return true;
        }

        return false;
    }
}
