using Community.Campaigns;
using Community.Creators;
using Community.Errors;
using Community.Grains.Storage;
using Community.Identity;
using Community.Posts;
using Community.Validation;
using Microsoft.Extensions.Logging;

namespace Community.Grains.Creators;

/// <summary>
/// A creator: the profile and post list live in Orleans grain state; the followers, which can number
/// in the hundreds of thousands, live in their own partition (<see cref="FollowerSet"/>). Who may write to the creator
/// (the DM policy and the block list) lives in the profile's state, so every message's check is answered from memory.
/// </summary>
public sealed class CreatorGrain(
    [PersistentState("creator", GrainStorage.ProviderName)] IPersistentState<CreatorState> state,
    ILogStoreFactory stores,
    TimeProvider time,
    ILogger<CreatorGrain> logger) : Grain, ICreatorGrain
{
    public const string FollowsTable = "follows";
    public const int RecentPostCapacity = 100;
    public const int MaxBlocked = 10_000;

    private HashSet<string>? _blocked;
    private FollowerSet? _followers;

    private string Handle => this.GetPrimaryKeyString();

    private FollowerSet Followers => _followers ??= new FollowerSet(stores.Get(FollowsTable), Handle, logger);

    public async Task<CreatorProfile> SaveProfile(CreatorProfileInput input)
    {
        var displayName = Limits.DisplayName(input.DisplayName);
        var niches = Limits.Niches(input.Niches);
        var bio = Limits.Bio(input.Bio);

        var current = state.State;
        var next = current with
        {
            Exists = true,
            CreatedAt = current.Exists ? current.CreatedAt : time.GetUtcNow(),
            DisplayName = displayName,
            Niches = niches,
            Bio = bio,
        };
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

        Identity.Handle.Require(fan, "follower");
        return await Followers.ChangeAsync(fan, follow: true);
    }

    public async Task<FollowResult> Unfollow(string fan)
    {
        RequireExists();
        Identity.Handle.Require(fan, "follower");
        return await Followers.ChangeAsync(fan, follow: false);
    }

    public Task<bool> IsFollower(string fan) => Followers.IsFollowerAsync(fan);

    /// <summary>
    /// Publishes in three steps, each safe to fail: the intent (post id and text) is stored in the creator's state, then
    /// the post is created, then the state lists it. Until the last step nothing is visible; a publish that failed after
    /// the first is finished by the creator's next publish, and when that one repeats it (same text and campaign, the
    /// client retrying after a 503) it answers with the finished post instead of a second one.
    /// </summary>
    public async Task<Post> Publish(string text, string? campaignId)
    {
        RequireExists();
        // Refused text costs no intent, no post call and no second write to drop the intent.
        text = Limits.Text(text, "post text");
        if (campaignId is not null)
        {
            // Only the campaign's creators may attach posts to it: 404 for no such campaign, 403 for anyone else.
            await GrainFactory.GetGrain<ICampaignGrain>(CampaignKey.Require(campaignId)).RequireCreator(Handle);
        }

        if (state.State.Publishing is { } unfinished)
        {
            Post? finished = null;
            try
            {
                finished = await FinishPublishAsync(unfinished);
            }
            catch (CommunityException ex) when (ex.Kind != ErrorKind.Unavailable)
            {
                // That earlier post was refused and its intent dropped: it says nothing about this one.
            }

            if (finished is not null && unfinished.Text == text && unfinished.CampaignId == campaignId)
            {
                return finished;
            }
        }

        var intent = new PendingPost(PostKey.New(), text, campaignId);
        var next = state.State with { Publishing = intent };
        await GrainStorage.WriteAsync(this, state, next, landed: s => s.Publishing?.PostId == intent.PostId);
        return await FinishPublishAsync(intent);
    }

    /// <summary>Creates the post of a stored intent (unless an earlier attempt did) and lists it; a refusal drops the intent and is thrown.</summary>
    private async Task<Post> FinishPublishAsync(PendingPost intent)
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
            await GrainStorage.WriteAsync(this, state, state.State with { Publishing = null });
            throw;
        }

        var next = state.State with
        {
            Publishing = null,
            PostCount = state.State.PostCount + 1,
            RecentPosts = [.. state.State.RecentPosts.Append(post.PostId).TakeLast(RecentPostCapacity)],
        };
        await GrainStorage.WriteAsync(this, state, next, landed: s => s.Publishing is null && s.RecentPosts.Contains(post.PostId));
        return post;
    }

    public Task<IReadOnlyList<string>> RecentPosts(int count)
    {
        IReadOnlyList<string> posts = state.State.RecentPosts.AsEnumerable().Reverse().Take(count).ToList();
        return Task.FromResult(posts);
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
            await GrainStorage.WriteAsync(this, state, state.State with { DmPolicy = policy });
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

        await GrainStorage.WriteAsync(this, state, state.State with { Blocked = [.. state.State.Blocked, user] });
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

        await GrainStorage.WriteAsync(this, state, state.State with { Blocked = [.. state.State.Blocked.Where(b => b != user)] });
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
            _ => await Followers.IsFollowerCachedAsync(sender) ? MessagePermission.Allowed : MessagePermission.FollowersOnly,
        };
        return new MessageAccess(permission, RecipientIsCreator: true);
    }

    private HashSet<string> BlockedSet() => _blocked ??= new HashSet<string>(state.State.Blocked, StringComparer.Ordinal);

    private async Task<CreatorProfile> ProfileAsync()
    {
        var s = state.State;
        var followers = await Followers.CountAsync();
        return new CreatorProfile(Handle, s.DisplayName, s.Niches, s.Bio, followers, Tier.FromFollowers(followers), s.PostCount, s.CreatedAt);
    }

    private void RequireExists()
    {
        if (!state.State.Exists)
        {
            throw CommunityException.NotFound($"There is no creator '{Handle}'.");
        }
    }
}
