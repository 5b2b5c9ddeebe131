using Community.Grains.Conversations;
using Microsoft.Extensions.Time.Testing;

namespace Community.UnitTests.Conversations;

public class TypingGateTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void The_first_notice_is_forwarded_and_expires_six_seconds_later()
    {
        var gate = new TypingGate(_time);

        var decision = gate.Next();

        Assert.Equal(TypingOutcome.Forward, decision.Outcome);
        Assert.Equal(_time.GetUtcNow().AddSeconds(6), decision.ExpiresAt);
    }

    [Fact]
    public void Notices_within_two_seconds_of_a_forwarded_one_are_accepted_but_not_sent_again()
    {
        var gate = new TypingGate(_time);
        var first = gate.Next();

        _time.Advance(TimeSpan.FromSeconds(1.9));
        var second = gate.Next();
        _time.Advance(TimeSpan.FromSeconds(0.1));
        var third = gate.Next();

        Assert.Equal(TypingOutcome.Coalesced, second.Outcome);
        Assert.Equal(first.ExpiresAt, second.ExpiresAt);
        Assert.Equal(TypingOutcome.Forward, third.Outcome);
        Assert.Equal(_time.GetUtcNow().AddSeconds(6), third.ExpiresAt);
    }

    [Fact]
    public void A_burst_of_five_is_accepted_and_the_sixth_is_refused_until_a_second_has_passed()
    {
        var gate = new TypingGate(_time);
        var burst = Enumerable.Range(0, 5).Select(_ => gate.Next().Outcome).ToList();

        var sixth = gate.Next();
        _time.Advance(TimeSpan.FromSeconds(0.5));
        var halfASecondLater = gate.Next();
        _time.Advance(TimeSpan.FromSeconds(0.5));
        var aSecondLater = gate.Next();

        Assert.DoesNotContain(TypingOutcome.RateLimited, burst);
        Assert.Equal(TypingOutcome.RateLimited, sixth.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(1), sixth.RetryAfter);
        Assert.Equal(TypingOutcome.RateLimited, halfASecondLater.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(0.5), halfASecondLater.RetryAfter);
        Assert.NotEqual(TypingOutcome.RateLimited, aSecondLater.Outcome);
    }

    [Fact]
    public void One_notice_a_second_can_go_on_for_ever_and_keeps_the_indicator_on_without_gaps()
    {
        var gate = new TypingGate(_time);
        var shownUntil = DateTimeOffset.MinValue;

        for (var i = 0; i < 120; i++)
        {
            var decision = gate.Next();
            Assert.NotEqual(TypingOutcome.RateLimited, decision.Outcome);
            Assert.True(decision.ExpiresAt > _time.GetUtcNow());
            shownUntil = decision.ExpiresAt;
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.True(shownUntil >= _time.GetUtcNow());
    }

    [Fact]
    public void Sending_a_message_lets_the_next_notice_go_out_at_once()
    {
        var gate = new TypingGate(_time);
        gate.Next();
        _time.Advance(TimeSpan.FromSeconds(0.5));

        gate.MessageSent();

        Assert.Equal(TypingOutcome.Forward, gate.Next().Outcome);
    }

    [Fact]
    public void Tokens_refill_up_to_the_burst_and_no_further()
    {
        var gate = new TypingGate(_time);
        _time.Advance(TimeSpan.FromMinutes(10));

        var outcomes = Enumerable.Range(0, 6).Select(_ => gate.Next().Outcome).ToList();

        Assert.Equal(5, outcomes.Count(o => o != TypingOutcome.RateLimited));
        Assert.Equal(TypingOutcome.RateLimited, outcomes[^1]);
    }
}
