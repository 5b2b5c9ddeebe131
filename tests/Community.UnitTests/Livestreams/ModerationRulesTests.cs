using Community.Errors;
using Community.Grains.Livestreams;
using Community.Livestreams;

namespace Community.UnitTests.Livestreams;

public class ModerationRulesTests
{
    private const string LiveId = "abcdefghijkl";

    [Theory]
    [InlineData("remove", ModerationAction.Remove)]
    [InlineData("slowMode", ModerationAction.SlowMode)]
    [InlineData("SLOWMODE", ModerationAction.SlowMode)]
    [InlineData("addModerator", ModerationAction.AddModerator)]
    [InlineData("blockTerms", ModerationAction.BlockTerms)]
    public void Actions_are_known_by_their_camel_case_names_in_any_case(string name, ModerationAction action)
    {
        Assert.Equal(action, ModerationActions.Parse(name));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("mute")]
    public void An_unknown_action_is_refused_listing_the_known_ones(string? name)
    {
        var ex = Assert.Throws<CommunityException>(() => ModerationRules.Parse(LiveId, new ModerationRequest(name)));

        Assert.Equal(ErrorKind.Invalid, ex.Kind);
        Assert.Contains("remove, timeout, ban, unban, slowMode, followersOnly, pin, unpin, addModerator", ex.Message);
    }

    [Fact]
    public void A_missing_request_is_refused()
    {
        Assert.Equal(ErrorKind.Invalid, Assert.Throws<CommunityException>(() => ModerationRules.Parse(LiveId, null)).Kind);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(ModerationRules.MaxTimeoutSeconds)]
    public void A_timeout_lasts_from_one_second_to_fourteen_days(int seconds)
    {
        var command = ModerationRules.Parse(LiveId, new ModerationRequest("timeout", "troll", seconds));

        Assert.Equal((ModerationAction.Timeout, "troll", seconds), (command.Action, command.Target, command.Seconds));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0)]
    [InlineData(ModerationRules.MaxTimeoutSeconds + 1)]
    public void A_timeout_outside_that_range_is_refused(int? seconds)
    {
        var ex = Assert.Throws<CommunityException>(() => ModerationRules.Parse(LiveId, new ModerationRequest("timeout", "troll", seconds)));

        Assert.Contains("14 days", ex.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(120)]
    public void Slow_mode_is_zero_to_turn_it_off_or_one_to_120_seconds(int seconds)
    {
        Assert.Equal(seconds, ModerationRules.Parse(LiveId, new ModerationRequest("slowMode", Seconds: seconds)).Seconds);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(-1)]
    [InlineData(121)]
    public void Slow_mode_outside_that_range_is_refused(int? seconds)
    {
        Assert.Equal(ErrorKind.Invalid, Assert.Throws<CommunityException>(() => ModerationRules.Parse(LiveId, new ModerationRequest("slowMode", Seconds: seconds))).Kind);
    }

    [Theory]
    [InlineData("ban")]
    [InlineData("unban")]
    [InlineData("timeout")]
    [InlineData("addModerator")]
    [InlineData("removeModerator")]
    public void Actions_on_a_user_need_a_valid_handle(string action)
    {
        Assert.Contains("target", Assert.Throws<CommunityException>(() => ModerationRules.Parse(LiveId, new ModerationRequest(action, Seconds: 60))).Message);
        Assert.Contains("not a valid target", Assert.Throws<CommunityException>(() => ModerationRules.Parse(LiveId, new ModerationRequest(action, "Bad Name", 60))).Message);
    }

    [Theory]
    [InlineData("remove")]
    [InlineData("pin")]
    public void Actions_on_a_message_take_a_message_id_of_this_room(string action)
    {
        var command = ModerationRules.Parse(LiveId, new ModerationRequest(action, MessageId: $"{LiveId}-7"));

        Assert.Equal(7, command.MessageSeq);
        Assert.Throws<CommunityException>(() => ModerationRules.Parse(LiveId, new ModerationRequest(action)));
        Assert.Throws<CommunityException>(() => ModerationRules.Parse(LiveId, new ModerationRequest(action, MessageId: "zyxwvutsrqpo-7")));
        Assert.Throws<CommunityException>(() => ModerationRules.Parse(LiveId, new ModerationRequest(action, MessageId: "7")));
    }

    [Fact]
    public void Followers_only_turns_on_unless_told_otherwise()
    {
        Assert.True(ModerationRules.Parse(LiveId, new ModerationRequest("followersOnly")).Enabled);
        Assert.False(ModerationRules.Parse(LiveId, new ModerationRequest("followersOnly", Enabled: false)).Enabled);
    }

    [Fact]
    public void Blocked_terms_are_normalized_and_de_duplicated()
    {
        var command = ModerationRules.Parse(LiveId, new ModerationRequest("blockTerms", Terms: ["Spoiler", " spoiler ", "The  Ending"]));

        Assert.Equal(["spoiler", "the ending"], command.Terms);
    }

    [Fact]
    public void Blocking_needs_one_to_fifty_terms()
    {
        Assert.Throws<CommunityException>(() => ModerationRules.Parse(LiveId, new ModerationRequest("blockTerms")));
        Assert.Throws<CommunityException>(() => ModerationRules.Parse(LiveId, new ModerationRequest("unblockTerms", Terms: [])));
        Assert.Throws<CommunityException>(() => ModerationRules.Parse(LiveId, new ModerationRequest("blockTerms", Terms: Enumerable.Range(0, 51).Select(i => $"t{i}").ToList())));
    }

    [Fact]
    public void Only_appointing_and_dismissing_moderators_is_for_hosts_alone()
    {
        var hostsOnly = Enum.GetValues<ModerationAction>().Where(a => new ModerationCommand(a).HostsOnly);

        Assert.Equal([ModerationAction.AddModerator, ModerationAction.RemoveModerator], hostsOnly);
    }
}
