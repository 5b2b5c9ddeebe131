using Community.Campaigns;
using Community.Creators;
using Community.Errors;
using Community.Grains.Storage;
using Community.Identity;
using Community.Posts;
using Community.Validation;

namespace Community.Grains.Creators;

/// <summary>
/// A creator: the profile and post list live in Orleans grain state; the followers, which can number
/// in the hundreds of thousands, live in their own partition (a row per follower, the count in its head)
/// so that following is idempotent and the count can never drift from the rows. Who may write to the creator
/// (the DM policy and the block list) lives in the profile's state, so every message's check is answered from memory.
/// </summary>
public sealed class CreatorGrain(
    [PersistentState("creator", GrainStorage.ProviderName)] IPersistentState<CreatorState> state,
    ILogStoreFactory stores,
    TimeProvider time) : Grain, ICreatorGrain
{
    public const string FollowsTable = "follows";
    public const int RecentPostCapacity = 100;
    public const int MaxBlocked = 10_000;
    private const int MaxHeadConflicts = 3;

    private readonly ILogStore _follows = stores.Get(FollowsTable);
    // Follows change only through this grain, so what it has looked up or written stays true while it is active.
    private readonly RecentMap<bool> _isFollower = new(10_000);
    private HashSet<string>? _blocked;
    private FollowersHead? _followers;
    private string? _followersETag;

    private string Handle => this.GetPrimaryKeyString();

    public async Task<CreatorProfile> SaveProfile(CreatorProfileInput input)
    {
        var displayName = Limits.DisplayName(input.DisplayName);
        var niches = Limits.Niches(input.Niches);
        var bio = Limits.Bio(input.Bio);

        var next = state.State.Clone();
        if (!next.Exists)
        {
            next.Exists = true;
            next.CreatedAt = time.GetUtcNow();
        }

        next.DisplayName = displayName;
        next.Niches = niches;
        next.Bio = bio;
        await GrainStorage.WriteAsync(this, state, next);
        return await ProfileAsync();
    }

    public async Task<CreatorProfile?> GetProfile() => state.State.Exists ? await ProfileAsync() : null;

    public async Task<FollowResult> Follow(string fan)
    {
        RequireExists();
        if (fan == Handle)
        {
            throw CommunityException.Invalid("A creator cannot follow themselves.");
        }

        return await ChangeFollowAsync(fan, follow: true);
    }

    public async Task<FollowResult> Unfollow(string fan)
    {
        RequireExists();
        return await ChangeFollowAsync(fan, follow: false);
    }

    public async Task<bool> IsFollower(string fan) =>
        Identity.Handle.IsValid(fan) && await _follows.ReadAsync(Handle, FollowerKey(fan)) is not null;

    /// <summary>
    /// Publishes in three steps, each safe to fail: the intent (post id and text) is stored in the creator's state, then
    /// the post is created, then the state lists it. Until the last step nothing is visible; a publish that failed after
    /// the first is finished by the creator's next publish, and when that one repeats it (same text and campaign, the
    /// client retrying after a 503) it answers with the finished post instead of a second one.
    /// </summary>
    public async Task<Post> Publish(string text, string? campaignId)
    {
        RequireExists();
        if (campaignId is not null)
        {
            // Only the campaign's creators may attach posts to it: 404 for no such campaign, 403 for anyone else.
            await GrainFactory.GetGrain<ICampaignGrain>(CampaignKey.Require(campaignId)).RequireCreator(Handle);
        }

        if (state.State.Publishing is { } unfinished)
        {
            var finished = await FinishPublishAsync(unfinished);
            if (finished is not null && unfinished.Text == text && unfinished.CampaignId == campaignId)
            {
                return finished;
            }
        }

        var intent = new PendingPost(PostKey.New(), text, campaignId);
        var next = state.State.Clone();
        next.Publishing = intent;
        await GrainStorage.WriteAsync(this, state, next, landed: s => s.Publishing?.PostId == intent.PostId);
        return await FinishPublishAsync(intent)
            ?? throw CommunityException.Unavailable("The post could not be published; try again.");
    }

    /// <summary>Creates the post of a stored intent (unless an earlier attempt did) and lists it; null when the post was refused (the intent is dropped).</summary>
    private async Task<Post?> FinishPublishAsync(PendingPost intent)
    {
        var grain = GrainFactory.GetGrain<IPostGrain>(intent.PostId);
        Post post;
        try
        {
            post = await grain.Create(Handle, intent.Text, intent.CampaignId);
        }
        catch (CommunityException ex) when (ex.Kind == ErrorKind.Conflict)
        {
            // Created by an earlier attempt whose state write failed.
            post = await grain.Get() ?? throw CommunityException.Unavailable("The post could not be read back; try again.");
        }
        catch (CommunityException ex) when (ex.Kind != ErrorKind.Unavailable)
        {
            var dropped = state.State.Clone();
            dropped.Publishing = null;
            await GrainStorage.WriteAsync(this, state, dropped);
            throw;
        }

        var next = state.State.Clone();
        next.Publishing = null;
        next.PostCount++;
        next.RecentPosts.Add(post.PostId);
        if (next.RecentPosts.Count > RecentPostCapacity)
        {
            next.RecentPosts.RemoveRange(0, next.RecentPosts.Count - RecentPostCapacity);
        }

        await GrainStorage.WriteAsync(this, state, next, landed: s => s.Publishing is null && s.RecentPosts.Contains(post.PostId));
        return post;
    }

    public Task<IReadOnlyList<string>> RecentPosts(int count)
    {
        IReadOnlyList<string> posts = state.State.RecentPosts.AsEnumerable().Reverse().Take(count).ToList();
        return Task.FromResult(posts);
    }

    private async Task<FollowResult> ChangeFollowAsync(string fan, bool follow)
    {
        Identity.Handle.Require(fan, "follower");
        for (var attempt = 0; ; attempt++)
        {
            var head = await FollowersAsync();
            var isFollowing = await _follows.ReadAsync(Handle, FollowerKey(fan)) is not null;
            _isFollower.Set(fan, isFollowing);
            if (isFollowing == follow)
            {
                return new FollowResult(Handle, follow, head.Followers, Changed: false);
            }

            var next = new FollowersHead(Math.Max(0, head.Followers + (follow ? 1 : -1)));
            LogWrite write = follow ? LogWrite.Insert(FollowerKey(fan), "1") : LogWrite.Delete(FollowerKey(fan));
            try
            {
                _followersETag = await _follows.CommitAsync(Handle, _followersETag, LogJson.Write(next), [write]);
                _followers = next;
                _isFollower.Set(fan, follow);
                return new FollowResult(Handle, follow, next.Followers, Changed: true);
            }
            catch (LogConflictException) when (attempt < MaxHeadConflicts)
            {
                _followers = null;
            }
            catch (LogConflictException)
            {
                _followers = null;
                throw CommunityException.Unavailable("The follower list is busy; try again.");
            }
        }
    }

    public Task<DmSettings> GetDmSettings()
    {
        RequireExists();
        return Task.FromResult(new DmSettings(Handle, state.State.DmPolicy));
    }

    public async Task<DmSettings> SetDmPolicy(string policy)
    {
        RequireExists();
        policy = DmPolicy.Parse(policy);
        if (policy != state.State.DmPolicy)
        {
            var next = state.State.Clone();
            next.DmPolicy = policy;
            await GrainStorage.WriteAsync(this, state, next);
        }

        return new DmSettings(Handle, policy);
    }

    public async Task<BlockResult> Block(string user)
    {
        RequireExists();
        Identity.Handle.Require(user, "user to block");
        if (user == Handle)
        {
            throw CommunityException.Invalid("You cannot block yourself.");
        }

        if (BlockedSet().Contains(user))
        {
            return new BlockResult(Handle, user, Blocked: true, Changed: false);
        }

        if (state.State.Blocked.Count >= MaxBlocked)
        {
            throw CommunityException.Conflict($"You have blocked {MaxBlocked:N0} users, the most one can; unblock some first.");
        }

        var next = state.State.Clone();
        next.Blocked.Add(user);
        await GrainStorage.WriteAsync(this, state, next);
        _blocked = null;
        return new BlockResult(Handle, user, Blocked: true, Changed: true);
    }

    public async Task<BlockResult> Unblock(string user)
    {
        RequireExists();
        Identity.Handle.Require(user, "user to unblock");
        if (!BlockedSet().Contains(user))
        {
            return new BlockResult(Handle, user, Blocked: false, Changed: false);
        }

        var next = state.State.Clone();
        next.Blocked.Remove(user);
        await GrainStorage.WriteAsync(this, state, next);
        _blocked = null;
        return new BlockResult(Handle, user, Blocked: false, Changed: true);
    }

    public Task<IReadOnlyList<string>> Blocked()
    {
        RequireExists();
        return Task.FromResult<IReadOnlyList<string>>([.. state.State.Blocked]);
    }

    public async Task<MessageAccess> CanMessage(string sender)
    {
        if (!state.State.Exists)
        {
            return new MessageAccess(MessagePermission.Allowed, RecipientIsCreator: false);
        }

        var permission = BlockedSet().Contains(sender) ? MessagePermission.Blocked : state.State.DmPolicy switch
        {
            DmPolicy.Everyone => MessagePermission.Allowed,
            DmPolicy.Nobody => MessagePermission.Nobody,
            _ => await IsFollowerCachedAsync(sender) ? MessagePermission.Allowed : MessagePermission.FollowersOnly,
        };
        return new MessageAccess(permission, RecipientIsCreator: true);
    }

    private HashSet<string> BlockedSet() => _blocked ??= new HashSet<string>(state.State.Blocked, StringComparer.Ordinal);

    private async Task<bool> IsFollowerCachedAsync(string fan)
    {
        if (!_isFollower.TryGetValue(fan, out var following))
        {
            following = await IsFollower(fan);
            _isFollower.Set(fan, following);
        }

        return following;
    }

    private async Task<FollowersHead> FollowersAsync()
    {
        if (_followers is null)
        {
            var stored = await _follows.ReadHeadAsync(Handle);
            _followers = stored is null ? new FollowersHead(0) : LogJson.Read<FollowersHead>(stored.Data);
            _followersETag = stored?.ETag;
        }

        return _followers;
    }

    private async Task<CreatorProfile> ProfileAsync()
    {
        var s = state.State;
        var followers = (await FollowersAsync()).Followers;
        return new CreatorProfile(Handle, s.DisplayName, s.Niches, s.Bio, followers, Tier.FromFollowers(followers), s.PostCount, s.CreatedAt);
    }

    private void RequireExists()
    {
        if (!state.State.Exists)
        {
            throw CommunityException.NotFound($"There is no creator '{Handle}'.");
        }
    }

    private static string FollowerKey(string fan) => LogKeys.Of("f", fan);
}
