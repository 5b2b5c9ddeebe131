using Community.Conversations;
using Community.Errors;

namespace Community.UnitTests.Conversations;

public class ConversationKeyTests
{
    [Fact]
    public void The_id_is_the_two_handles_sorted_and_joined_by_a_tilde_whoever_opens_it()
    {
        Assert.Equal("alice~bob", ConversationKey.Of("alice", "bob"));
        Assert.Equal("alice~bob", ConversationKey.Of("bob", "alice"));
    }

    [Fact]
    public void Sorting_is_ordinal_so_digits_and_underscores_sort_the_same_on_every_machine()
    {
        Assert.Equal("ab_1~abc", ConversationKey.Of("abc", "ab_1"));
        Assert.Equal("a99~a_9", ConversationKey.Of("a_9", "a99"));
    }

    [Fact]
    public void An_id_parses_back_to_its_participants()
    {
        Assert.True(ConversationKey.TryParse("alice~bob", out var first, out var second));
        Assert.Equal(("alice", "bob"), (first, second));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("alice")]
    [InlineData("bob~alice")]
    [InlineData("alice~alice")]
    [InlineData("alice~")]
    [InlineData("~bob")]
    [InlineData("alice~bob~carol")]
    [InlineData("Alice~bob")]
    [InlineData("al~bob")]
    public void Anything_but_two_different_handles_in_order_is_not_an_id(string? id)
    {
        Assert.False(ConversationKey.TryParse(id, out _, out _));
    }

    [Fact]
    public void A_participant_gets_the_other_one()
    {
        Assert.Equal("bob", ConversationKey.RequireParticipant("alice~bob", "alice"));
        Assert.Equal("alice", ConversationKey.RequireParticipant("alice~bob", "bob"));
    }

    [Theory]
    [InlineData("alice~bob")]
    [InlineData("bob~carol")]
    [InlineData("nonsense")]
    [InlineData("carol~eve~x")]
    public void Someone_elses_or_a_malformed_id_is_not_found_with_the_same_words(string id)
    {
        var error = Assert.Throws<CommunityException>(() => ConversationKey.RequireParticipant(id, "eve"));

        Assert.Equal(ErrorKind.NotFound, error.Kind);
        Assert.Equal($"You have no conversation '{id}'. A conversation id is two handles, sorted and joined by '~', one of them yours.", error.Message);
    }

    [Fact]
    public void A_conversation_with_oneself_is_invalid_input()
    {
        var error = Assert.Throws<CommunityException>(() => ConversationKey.RequireParticipant("alice~alice", "alice"));

        Assert.Equal(ErrorKind.Invalid, error.Kind);
        Assert.Contains("yourself", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_message_id_is_the_conversation_id_a_dash_and_the_seq()
    {
        Assert.Equal("alice~bob-12", MessageKey.Format("alice~bob", 12));
    }
}
