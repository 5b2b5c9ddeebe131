using Community.Posts;

namespace Community.Creators;

/// <summary>One creator, keyed by handle: profile, followers and the list of their posts.</summary>
public interface ICreatorGrain : IGrainWithStringKey
{
    /// <summary>Creates or updates the profile. The caller has already been authorized as this creator.</summary>
    Task<CreatorProfile> SaveProfile(CreatorProfileInput input);

    /// <summary>The profile, or null when this handle has no creator profile.</summary>
    Task<CreatorProfile?> GetProfile();

    Task<FollowResult> Follow(string fan);

    Task<FollowResult> Unfollow(string fan);

    Task<bool> IsFollower(string fan);

    /// <summary>Publishes a post as this creator (404 when the profile does not exist).</summary>
    Task<Post> Publish(string text, string? campaignId);

    /// <summary>The ids of the creator's most recent posts, newest first.</summary>
    Task<IReadOnlyList<string>> RecentPosts(int count);

    /// <summary>Who may write to this creator (404 when the profile does not exist).</summary>
    Task<DmSettings> GetDmSettings();

    Task<DmSettings> SetDmPolicy(string policy);

    /// <summary>Blocks <paramref name="user"/> from writing to this creator (idempotent).</summary>
    Task<BlockResult> Block(string user);

    Task<BlockResult> Unblock(string user);

    /// <summary>The blocked users, in the order they were blocked.</summary>
    Task<IReadOnlyList<string>> Blocked();

    /// <summary>Whether <paramref name="sender"/> may write to this user; anyone may write to a user who is not a creator.</summary>
    Task<MessageAccess> CanMessage(string sender);
}
