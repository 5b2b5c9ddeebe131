using Community.Errors;
using Community.Posts;

namespace Community.UnitTests.Posts;

public class PostKeyTests
{
    [Fact]
    public void A_new_post_id_is_a_valid_post_id()
    {
        var postId = PostKey.New();

        Assert.Equal(PostKey.Length, postId.Length);
        Assert.True(PostKey.IsValid(postId));
    }

    [Fact]
    public void New_post_ids_do_not_repeat()
    {
        var ids = Enumerable.Range(0, 10_000).Select(_ => PostKey.New()).ToHashSet();

        Assert.Equal(10_000, ids.Count);
    }

    [Theory]
    [InlineData("abcdefghijkl")]
    [InlineData("234567mnopqr")]
    [InlineData("zzzzzzzzzzzz")]
    public void Twelve_lowercase_base32_characters_are_a_post_id(string postId)
    {
        Assert.True(PostKey.IsValid(postId));
        Assert.Equal(postId, PostKey.Require(postId));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abcdefghijk")]
    [InlineData("abcdefghijklm")]
    [InlineData("ABCDEFGHIJKL")]
    [InlineData("abcdefghijk0")]
    [InlineData("abcdefghijk1")]
    [InlineData("abcdefghijk8")]
    [InlineData("abcdefghijk-")]
    [InlineData("abcdefghijk/")]
    [InlineData("abcdefghijk ")]
    public void Anything_else_is_not_a_post_id(string? postId)
    {
        Assert.False(PostKey.IsValid(postId));
    }

    [Fact]
    public void Requiring_a_malformed_post_id_reports_that_no_such_post_exists()
    {
        var ex = Assert.Throws<CommunityException>(() => PostKey.Require("../etc"));

        Assert.Equal(ErrorKind.NotFound, ex.Kind);
        Assert.Contains("'../etc'", ex.Message);
    }
}
