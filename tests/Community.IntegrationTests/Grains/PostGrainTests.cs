using Community.Creators;
using Community.Errors;
using Community.IntegrationTests.Infrastructure;
using Community.Posts;

namespace Community.IntegrationTests.Grains;

[Collection(GrainClusterCollection.Name)]
public sealed class PostGrainTests(GrainClusterFixture fixture)
{
    private async Task<(string Creator, IPostGrain Post)> NewPostAsync()
    {
        var creator = ClusterFixture.Unique("cr");
        await fixture.Grains.GetGrain<ICreatorGrain>(creator).SaveProfile(new CreatorProfileInput("Creator", ["food"], null));
        var post = await fixture.Grains.GetGrain<ICreatorGrain>(creator).Publish("hello", null);
        return (creator, fixture.Grains.GetGrain<IPostGrain>(post.PostId));
    }

    [Fact]
    public async Task Two_hundred_concurrent_comments_get_seqs_1_to_200_in_far_fewer_storage_transactions()
    {
        var (_, post) = await NewPostAsync();
        var postId = post.GetPrimaryKeyString();
        var before = fixture.Stores.CommitsOf(postId);

        var comments = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => post.AddComment($"fan_{i % 20}", $"comment {i}", null, $"id{i}")));

        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), comments.Select(c => c.Seq).Order());
        var transactions = fixture.Stores.CommitsOf(postId) - before;
        Assert.True(transactions <= 50, $"200 comments took {transactions} storage transactions; group commit should batch them.");
        var page = await post.GetComments(0, 200);
        Assert.Equal(comments.OrderBy(c => c.Seq).Select(c => c.Id), page.Items.Select(c => c.Id));
    }

    [Fact]
    public async Task A_comment_is_stamped_with_the_time_it_was_stored()
    {
        var (_, post) = await NewPostAsync();
        var before = DateTimeOffset.UtcNow;

        var comment = await post.AddComment("fan_one", "hi", null, null);

        Assert.InRange(comment.At, before, DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task History_pages_from_storage_beyond_what_the_grain_keeps_in_memory()
    {
        var (_, post) = await NewPostAsync();
        for (var batch = 0; batch < 7; batch++)
        {
            await Task.WhenAll(Enumerable.Range(0, 100).Select(i => post.AddComment("fan_pager", $"c {batch * 100 + i}", null, null)));
        }

        var early = await post.GetComments(10, 5);
        var catchUp = await post.CatchUp(0);

        Assert.Equal([11L, 12, 13, 14, 15], early.Items.Select(c => c.Seq));
        Assert.Equal(700, early.LastSeq);
        Assert.Equal(700, catchUp.Missed.Count);
        Assert.False(catchUp.HasMore);
    }

    [Fact]
    public async Task Unknown_posts_are_not_found_and_creating_a_post_twice_conflicts()
    {
        var missing = fixture.Grains.GetGrain<IPostGrain>(PostKey.New());

        Assert.Null(await missing.Get());
        var notFound = await Assert.ThrowsAsync<CommunityException>(() => missing.AddComment("fan_x", "hi", null, null));
        Assert.Equal(ErrorKind.NotFound, notFound.Kind);
        var (creator, post) = await NewPostAsync();
        var conflict = await Assert.ThrowsAsync<CommunityException>(() => post.Create(creator, "again", null));
        Assert.Equal(ErrorKind.Conflict, conflict.Kind);
    }

    [Fact]
    public async Task Counters_and_comments_survive_the_grain_being_deactivated()
    {
        var (_, post) = await NewPostAsync();
        await post.AddComment("fan_a", "one", null, "k1");
        await post.React("fan_a", ReactionKind.Like);
        await post.React("fan_b", ReactionKind.Save);

        await fixture.Cluster.DeactivateAsync(post);
        var again = await post.AddComment("fan_a", "one", null, "k1");
        var liked = await post.React("fan_a", ReactionKind.Like);

        Assert.Equal(1, again.Seq);
        Assert.Equal((1L, 1L, 1L), (liked.Likes, liked.Saves, liked.Comments));
    }
}
