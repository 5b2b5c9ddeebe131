using Community.Grains.Engagement;
using Community.Replies;
using Microsoft.Extensions.Time.Testing;

namespace Community.UnitTests.Engagement;

public class ResponsivenessMathTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 10, 12, 0, 0, TimeSpan.Zero));

    private DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>
    /// A week of a creator, by hand. In the window (started within the last 7 days):
    ///   c1 answered after 600 s, c2 after 1,800 s, c3 after 7,200 s, c4 after 60 s, dm1 after 3,600 s;
    ///   c5 and c7 still wait. c6 started 8 days ago: it no longer counts.
    /// Answered times sorted: 60, 600, 1800, 3600, 7200.
    ///   reply rate = 5 / 7; median = the 3rd of 5 = 1,800 s; p90 = rank ⌈0.9 × 5⌉ = 5th = 7,200 s.
    /// </summary>
    private List<ResponseItem> AWeek() =>
    [
        new("c1", Now.AddHours(-1), Now.AddHours(-1).AddSeconds(600)),
        new("c2", Now.AddDays(-2), Now.AddDays(-2).AddSeconds(1_800)),
        new("c3", Now.AddDays(-3), Now.AddDays(-3).AddSeconds(7_200)),
        new("c4", Now.AddDays(-1), Now.AddDays(-1).AddSeconds(60)),
        new("dm:fan~maya", Now.AddHours(-5), Now.AddHours(-4)),
        new("c5", Now.AddMinutes(-30)),
        new("c6", Now.AddDays(-8), Now.AddDays(-8).AddSeconds(10)),
        new("c7", Now.AddDays(-6)),
    ];

    [Fact]
    public void A_week_of_comments_and_openings_gives_the_hand_computed_figures()
    {
        var r = ResponsivenessMath.Compute(AWeek(), Now);

        Assert.Equal(5.0 / 7.0, r.ReplyRate!.Value, precision: 12);
        Assert.Equal(1_800, r.MedianResponseSeconds);
        Assert.Equal(7_200, r.P90ResponseSeconds);
        Assert.Equal((5L, 2L, 7), (r.Answered, r.Awaiting, r.WindowDays));
    }

    [Fact]
    public void As_the_window_rolls_on_an_item_that_started_seven_days_ago_stops_counting()
    {
        var items = AWeek();

        _time.Advance(TimeSpan.FromDays(1));
        var exactlySevenDaysAfterC7 = ResponsivenessMath.Compute(items, Now);
        _time.Advance(TimeSpan.FromDays(3).Add(TimeSpan.FromSeconds(1)));
        var fourDaysLater = ResponsivenessMath.Compute(items, Now);

        // Day +1: c7 (6 days old) is exactly 7 days old: out. 5 answered of 6.
        Assert.Equal((5L, 1L), (exactlySevenDaysAfterC7.Answered, exactlySevenDaysAfterC7.Awaiting));
        Assert.Equal(5.0 / 6.0, exactlySevenDaysAfterC7.ReplyRate!.Value, precision: 12);
        // Day +4 and a second: c3 (3 days old at the start) is out too; c2 (2 days old) still counts.
        // Times 60, 600, 1800, 3600: median (600 + 1800) / 2 = 1,200 s; p90 rank ⌈0.9 × 4⌉ = 4th = 3,600 s; rate 4 / 5.
        Assert.Equal((4L, 1L), (fourDaysLater.Answered, fourDaysLater.Awaiting));
        Assert.Equal(1_200, fourDaysLater.MedianResponseSeconds);
        Assert.Equal(3_600, fourDaysLater.P90ResponseSeconds);
        Assert.Equal(0.8, fourDaysLater.ReplyRate!.Value, precision: 12);
    }

    [Fact]
    public void Nothing_to_answer_gives_no_figures_rather_than_zeros()
    {
        var r = ResponsivenessMath.Compute([], Now);

        Assert.Equal(new Responsiveness(null, null, null, 0, 0, 7), r);
    }

    [Fact]
    public void Nothing_answered_yet_is_a_reply_rate_of_zero_without_times()
    {
        var r = ResponsivenessMath.Compute([new("c1", Now.AddHours(-1)), new("c2", Now.AddHours(-2))], Now);

        Assert.Equal(new Responsiveness(0, null, null, 0, 2, 7), r);
    }

    [Fact]
    public void An_answer_stamped_before_its_question_by_a_skewed_clock_counts_as_instant()
    {
        var r = ResponsivenessMath.Compute([new("c1", Now.AddMinutes(-10), Now.AddMinutes(-10).AddSeconds(-2))], Now);

        Assert.Equal(0, r.MedianResponseSeconds);
    }

    [Theory]
    [InlineData(new double[] { 5 }, 0.9, 5)]
    [InlineData(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, 0.9, 9)]
    [InlineData(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 }, 0.9, 10)]
    [InlineData(new double[] { 10, 20 }, 0.9, 20)]
    [InlineData(new double[] { 10, 20 }, 0.5, 10)]
    public void The_p90_is_the_nearest_rank(double[] sorted, double p, double expected)
    {
        Assert.Equal(expected, ResponsivenessMath.NearestRank(sorted, p));
    }
}

public class ResponseWindowTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 10, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_first_answer_stops_the_clock_and_later_replies_do_not_move_it()
    {
        var window = new ResponseWindow();
        window.Upsert(new ResponseItem("c1", T0));

        var first = window.Answer("c1", T0.AddMinutes(5));
        var later = window.Answer("c1", T0.AddMinutes(50));

        Assert.Equal(T0.AddMinutes(5), first!.AnsweredAt);
        Assert.Null(later);
        Assert.Equal(300, window.Compute(T0.AddHours(1)).MedianResponseSeconds);
    }

    [Fact]
    public void Reports_of_an_opening_may_repeat_and_arrive_in_any_order()
    {
        var window = new ResponseWindow();

        var answered = window.Upsert(new ResponseItem("dm:a~b", T0, T0.AddMinutes(2)));
        var staleAgain = window.Upsert(new ResponseItem("dm:a~b", T0));
        var repeated = window.Upsert(new ResponseItem("dm:a~b", T0, T0.AddMinutes(2)));

        Assert.NotNull(answered);
        Assert.Null(staleAgain);
        Assert.Null(repeated);
        Assert.Equal(T0.AddMinutes(2), Assert.Single(window.Items).AnsweredAt);
    }

    [Fact]
    public void Answering_an_item_the_window_does_not_hold_changes_nothing()
    {
        Assert.Null(new ResponseWindow().Answer("c9", T0));
    }

    [Fact]
    public void Items_leave_the_window_seven_days_after_they_started()
    {
        var window = new ResponseWindow();
        window.Upsert(new ResponseItem("old", T0));
        window.Upsert(new ResponseItem("new", T0.AddDays(1)));

        var expired = window.Expire(T0.AddDays(7));

        Assert.Equal(["old"], expired.Select(i => i.Id));
        Assert.Equal(["new"], window.Items.Select(i => i.Id));
    }

    [Fact]
    public void The_window_keeps_its_newest_items_up_to_its_capacity()
    {
        var window = new ResponseWindow(capacity: 3);
        for (var i = 0; i < 5; i++)
        {
            window.Upsert(new ResponseItem($"c{i}", T0.AddMinutes(i)));
        }

        var dropped = window.Expire(T0.AddHours(1));

        Assert.Equal(["c0", "c1"], dropped.Select(i => i.Id));
        Assert.Equal(["c2", "c3", "c4"], window.Items.Select(i => i.Id).Order());
    }

    [Fact]
    public void Reads_reuse_the_figures_until_an_item_changes_and_a_removed_item_stops_counting()
    {
        var window = new ResponseWindow();
        window.Upsert(new ResponseItem("c1", T0, T0.AddMinutes(1)));
        window.Upsert(new ResponseItem("spam", T0));

        var first = window.Compute(T0.AddMinutes(5));
        var again = window.Compute(T0.AddMinutes(5).AddSeconds(1));
        window.Remove("spam");
        var after = window.Compute(T0.AddMinutes(5).AddSeconds(2));

        Assert.Same(first, again);
        Assert.Equal(0.5, first.ReplyRate);
        Assert.Equal(1.0, after.ReplyRate);
    }
}
