using Community.Grains.Replies;
using Community.Posts;

namespace Community.UnitTests.Replies;

public class ReplyLedgerTests
{
    private const string Creator = "maya";
    private const string PostA = "aaaaaaaaaaaa";
    private const string PostB = "bbbbbbbbbbbb";
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static Comment C(string post, long seq, string author, string? replyTo = null) =>
        new(post, seq, CommentKey.Format(post, seq), author, $"comment {seq}", replyTo, T0.AddMinutes(seq), author == Creator);

    private static string Id(string post, long seq) => CommentKey.Format(post, seq);

    [Fact]
    public void A_fans_comment_joins_the_queue()
    {
        var ledger = new ReplyLedger(Creator);

        var change = ledger.Apply(C(PostA, 1, "fan1"));

        Assert.Equal(Id(PostA, 1), change.Added?.Id);
        Assert.Equal([Id(PostA, 1)], ledger.Oldest(10).Select(c => c.Id));
    }

    [Fact]
    public void The_creators_reply_answers_every_fan_comment_of_its_thread_written_before_it()
    {
        var ledger = new ReplyLedger(Creator);
        var question = C(PostA, 1, "fan1");
        ledger.Apply(question);
        ledger.Apply(C(PostA, 2, "fan2", replyTo: question.Id));
        ledger.Apply(C(PostA, 3, "fan3"));

        var reply = C(PostA, 4, Creator, replyTo: question.Id);
        var change = ledger.Apply(reply);

        Assert.Equal([Id(PostA, 1), Id(PostA, 2)], change.Removed.Select(r => r.Comment.Id));
        Assert.All(change.Removed, r => Assert.Equal(reply, r.By));
        Assert.Equal([Id(PostA, 3)], ledger.Oldest(10).Select(c => c.Id));
    }

    [Fact]
    public void A_fan_comment_after_the_creators_reply_in_the_same_thread_waits_for_the_next_reply()
    {
        var ledger = new ReplyLedger(Creator);
        var question = C(PostA, 1, "fan1");
        ledger.Apply(question);
        ledger.Apply(C(PostA, 2, Creator, replyTo: question.Id));

        ledger.Apply(C(PostA, 3, "fan1", replyTo: question.Id));

        Assert.Equal([Id(PostA, 3)], ledger.Oldest(10).Select(c => c.Id));
    }

    [Fact]
    public void A_top_level_comment_by_the_creator_answers_nobody()
    {
        var ledger = new ReplyLedger(Creator);
        ledger.Apply(C(PostA, 1, "fan1"));

        var change = ledger.Apply(C(PostA, 2, Creator));

        Assert.Same(QueueChange.None, change);
        Assert.Equal(1, ledger.Count);
    }

    [Fact]
    public void A_reply_answers_only_its_own_thread_on_its_own_post()
    {
        var ledger = new ReplyLedger(Creator);
        ledger.Apply(C(PostA, 1, "fan1"));
        ledger.Apply(C(PostA, 2, "fan2"));
        ledger.Apply(C(PostB, 1, "fan1"));

        var change = ledger.Apply(C(PostA, 3, Creator, replyTo: Id(PostA, 2)));

        Assert.Equal([Id(PostA, 2)], change.Removed.Select(r => r.Comment.Id));
        Assert.Equal([Id(PostA, 1), Id(PostB, 1)], ledger.Oldest(10).Select(c => c.Id));
    }

    [Fact]
    public void A_creator_reply_to_a_thread_with_nothing_queued_changes_nothing()
    {
        var ledger = new ReplyLedger(Creator);

        Assert.Same(QueueChange.None, ledger.Apply(C(PostA, 2, Creator, replyTo: Id(PostA, 1))));
    }

    [Fact]
    public void The_queue_lists_the_oldest_comment_first_across_posts()
    {
        var ledger = new ReplyLedger(Creator);
        ledger.Apply(C(PostB, 3, "fan1"));
        ledger.Apply(C(PostA, 1, "fan2"));
        ledger.Apply(C(PostA, 2, "fan3"));

        Assert.Equal([Id(PostA, 1), Id(PostA, 2)], ledger.Oldest(2).Select(c => c.Id));
    }

    [Fact]
    public void A_full_queue_drops_its_oldest_comment_unanswered()
    {
        var ledger = new ReplyLedger(Creator, capacity: 2);
        ledger.Apply(C(PostA, 1, "fan1"));
        ledger.Apply(C(PostA, 2, "fan2"));

        var change = ledger.Apply(C(PostA, 3, "fan3"));

        Assert.Equal([(Id(PostA, 1), (Comment?)null)], change.Removed.Select(r => (r.Comment.Id, r.By)));
        Assert.Equal([Id(PostA, 2), Id(PostA, 3)], ledger.Oldest(10).Select(c => c.Id));
        Assert.Empty(ledger.Apply(C(PostA, 4, Creator, replyTo: Id(PostA, 1))).Removed);
    }

    [Fact]
    public void A_restored_queue_answers_like_the_one_that_was_stored()
    {
        var stored = new ReplyLedger(Creator);
        stored.Apply(C(PostA, 1, "fan1"));
        stored.Apply(C(PostA, 2, "fan2", replyTo: Id(PostA, 1)));
        var restored = new ReplyLedger(Creator);
        foreach (var comment in stored.Oldest(100))
        {
            restored.Restore(comment);
        }

        var change = restored.Apply(C(PostA, 3, Creator, replyTo: Id(PostA, 1)));

        Assert.Equal(2, change.Removed.Count);
        Assert.Equal(0, restored.Count);
    }

    [Fact]
    public void Queue_keys_sort_by_time_then_id()
    {
        Assert.True(string.CompareOrdinal(ReplyLedger.QueueKey(C(PostB, 1, "f")), ReplyLedger.QueueKey(C(PostA, 2, "f"))) < 0);
        Assert.True(string.CompareOrdinal(ReplyLedger.QueueKey(C(PostA, 1, "f")), ReplyLedger.QueueKey(C(PostB, 1, "f"))) < 0);
    }

    [Fact]
    public void A_fans_spam_holds_at_most_three_entries_their_first_two_and_their_latest_so_other_fans_questions_stay()
    {
        var ledger = new ReplyLedger(Creator, capacity: 5);
        ledger.Apply(C(PostA, 1, "fan1"));
        var coalesced = new List<string>();
        for (var seq = 2; seq <= 101; seq++)
        {
            coalesced.AddRange(ledger.Apply(C(PostA, seq, "spammer")).Removed.Where(l => l.Coalesced).Select(l => l.Comment.Id));
        }

        ledger.Apply(C(PostB, 200, "fan2"));

        Assert.Equal([Id(PostA, 1), Id(PostA, 2), Id(PostA, 3), Id(PostA, 101), Id(PostB, 200)], ledger.Oldest(10).Select(c => c.Id));
        Assert.Equal(Enumerable.Range(4, 97).Select(seq => Id(PostA, seq)), coalesced);
    }

    [Fact]
    public void Once_the_creator_answers_a_fans_entries_the_fan_may_fill_them_again()
    {
        var ledger = new ReplyLedger(Creator, perFan: 1);
        ledger.Apply(C(PostA, 1, "fan1"));
        ledger.Apply(C(PostA, 2, "fan1", replyTo: Id(PostA, 1)));
        ledger.Apply(C(PostA, 3, Creator, replyTo: Id(PostA, 1)));

        ledger.Apply(C(PostA, 4, "fan1"));

        Assert.Equal([Id(PostA, 4)], ledger.Oldest(10).Select(c => c.Id));
    }

    [Fact]
    public void A_reply_may_answer_its_thread_a_few_at_a_time_oldest_first_and_applied_again_answers_the_rest()
    {
        var ledger = new ReplyLedger(Creator);
        var question = C(PostA, 1, "fan0");
        ledger.Apply(question);
        for (var seq = 2; seq <= 5; seq++)
        {
            ledger.Apply(C(PostA, seq, $"fan{seq}", replyTo: question.Id));
        }

        ledger.Apply(C(PostA, 6, "other"));
        var reply = C(PostA, 7, Creator, replyTo: question.Id);

        var first = ledger.Apply(reply, maxAnswered: 3);
        var rest = ledger.Apply(reply, maxAnswered: 3);
        var again = ledger.Apply(reply, maxAnswered: 3);

        Assert.Equal([Id(PostA, 1), Id(PostA, 2), Id(PostA, 3)], first.Removed.Select(r => r.Comment.Id));
        Assert.Equal([Id(PostA, 4), Id(PostA, 5)], rest.Removed.Select(r => r.Comment.Id));
        Assert.Equal((true, false, false), (first.More, rest.More, again.More));
        Assert.Empty(again.Removed);
        Assert.Equal([Id(PostA, 6)], ledger.Oldest(10).Select(c => c.Id));
    }
}
