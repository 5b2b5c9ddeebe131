using Community.Grains.Conversations;

namespace Community.UnitTests.Conversations;

public class ConversationHeadTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 10, 12, 0, 0, TimeSpan.Zero);
    private static readonly ConversationHead Empty = new("fan", "maya", T0);

    [Fact]
    public void Sending_marks_everything_up_to_ones_own_message_read()
    {
        var head = Empty.WithMessage("fan", 1, T0, recipientIsCreator: true).WithMessage("maya", 2, T0, false).WithMessage("maya", 3, T0, false);

        Assert.Equal((1L, 3L), (head.ReadOf("fan"), head.ReadOf("maya")));
        Assert.Equal((1L, 2L), (head.SentBy("fan"), head.SentBy("maya")));
    }

    [Fact]
    public void A_read_marker_never_moves_back()
    {
        Assert.Equal(5, Empty.WithRead("fan", 5).WithRead("fan", 3).ReadOf("fan"));
    }

    [Fact]
    public void The_first_message_opens_and_the_other_participants_first_message_answers()
    {
        var opened = Empty.WithMessage("fan", 1, T0, recipientIsCreator: true);
        var again = opened.WithMessage("fan", 2, T0.AddMinutes(1), recipientIsCreator: true);
        var answered = again.WithMessage("maya", 3, T0.AddMinutes(9), recipientIsCreator: false);
        var later = answered.WithMessage("maya", 4, T0.AddMinutes(20), recipientIsCreator: false);

        Assert.Equal(("fan", T0, (DateTimeOffset?)null), (again.Opener, again.OpeningAt, again.AnsweredAt));
        Assert.Equal("maya", opened.CountedFor);
        Assert.Equal(T0.AddMinutes(9), later.AnsweredAt);
        Assert.True(Empty.ChangesOpening("fan"));
        Assert.False(opened.ChangesOpening("fan"));
        Assert.True(opened.ChangesOpening("maya"));
        Assert.False(answered.ChangesOpening("maya"));
    }

    [Fact]
    public void An_opening_to_someone_who_is_not_a_creator_counts_for_nobody()
    {
        Assert.Null(Empty.WithMessage("maya", 1, T0, recipientIsCreator: false).CountedFor);
    }
}
