using Community.Posts;

namespace Community.UnitTests.Posts;

public class CommentKeyTests
{
    private const string PostId = "abcdefghijkl";

    [Theory]
    [InlineData(1L)]
    [InlineData(42L)]
    [InlineData(long.MaxValue)]
    public void A_comment_id_parses_back_to_its_post_and_seq(long seq)
    {
        var commentId = CommentKey.Format(PostId, seq);

        Assert.True(CommentKey.TryParse(commentId, out var postId, out var parsedSeq));
        Assert.Equal(PostId, postId);
        Assert.Equal(seq, parsedSeq);
    }

    [Fact]
    public void A_comment_id_is_the_post_id_a_dash_and_the_seq()
    {
        Assert.Equal("abcdefghijkl-7", CommentKey.Format(PostId, 7));
    }

    [Fact]
    public void Comment_ids_of_new_posts_round_trip()
    {
        for (var i = 0; i < 100; i++)
        {
            var postId = PostKey.New();

            Assert.True(CommentKey.TryParse(CommentKey.Format(postId, i + 1), out var parsed, out var seq));
            Assert.Equal(postId, parsed);
            Assert.Equal(i + 1, seq);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("abcdefghijkl")]
    [InlineData("abcdefghijkl-")]
    [InlineData("abcdefghijkl-0")]
    [InlineData("abcdefghijkl--1")]
    [InlineData("abcdefghijkl-+1")]
    [InlineData("abcdefghijkl- 1")]
    [InlineData("abcdefghijkl-1 ")]
    [InlineData("abcdefghijkl-1x")]
    [InlineData("abcdefghijkl-1.5")]
    [InlineData("abcdefghijkl-99999999999999999999")]
    [InlineData("abcdefghijkl_1")]
    [InlineData("ABCDEFGHIJKL-1")]
    [InlineData("abcdefghijk-1")]
    [InlineData("abcdefghijklm-1")]
    [InlineData("abcdefghij01-1")]
    public void Anything_that_is_not_a_post_id_a_dash_and_a_positive_seq_is_not_a_comment_id(string? commentId)
    {
        Assert.False(CommentKey.TryParse(commentId, out _, out _));
    }
}
