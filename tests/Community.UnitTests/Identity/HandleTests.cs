using Community.Errors;
using Community.Identity;

namespace Community.UnitTests.Identity;

public class HandleTests
{
    [Theory]
    [InlineData("abc")]
    [InlineData("maya_lens")]
    [InlineData("user_2024")]
    [InlineData("___")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123")]
    public void Lowercase_letters_digits_and_underscores_of_3_to_30_make_a_handle(string handle)
    {
        Assert.True(Handle.IsValid(handle));
        Assert.Equal(handle, Handle.Require(handle));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ab")]
    [InlineData("abcdefghijklmnopqrstuvwxyz01234")]
    [InlineData("Maya")]
    [InlineData("maya lens")]
    [InlineData("maya-lens")]
    [InlineData("maya.lens")]
    [InlineData("maya/lens")]
    [InlineData("mayä")]
    [InlineData(" maya")]
    public void Anything_else_is_not_a_handle(string? handle)
    {
        Assert.False(Handle.IsValid(handle));
    }

    [Fact]
    public void A_handle_with_a_trailing_newline_is_not_a_handle()
    {
        Assert.False(Handle.IsValid("maya\n"));
    }

    [Fact]
    public void Requiring_an_invalid_handle_is_refused_as_invalid_naming_the_value_and_the_rule()
    {
        var ex = Assert.Throws<CommunityException>(() => Handle.Require("Bad Name", "follower"));

        Assert.Equal(ErrorKind.Invalid, ex.Kind);
        Assert.Contains("'Bad Name'", ex.Message);
        Assert.Contains("follower", ex.Message);
        Assert.Contains("3 to 30", ex.Message);
    }

    [Fact]
    public void A_very_long_invalid_handle_is_quoted_only_in_part()
    {
        var ex = Assert.Throws<CommunityException>(() => Handle.Require(new string('x', 41) + "TAIL"));

        Assert.Contains(new string('x', 40) + "…", ex.Message);
        Assert.DoesNotContain("TAIL", ex.Message);
    }

    [Fact]
    public void Requiring_a_missing_handle_is_refused_as_invalid()
    {
        var ex = Assert.Throws<CommunityException>(() => Handle.Require(null));

        Assert.Equal(ErrorKind.Invalid, ex.Kind);
        Assert.Contains("handle", ex.Message);
    }
}
