using Community.Conversations;
using Community.Engagement;
using Community.Grains.Engagement;
using Community.Replies;
using Microsoft.Extensions.Logging;

namespace Community.Grains.Conversations;

/// <summary>
/// What a conversation tells others after a change is stored: each participant's inbox gets the conversation's latest
/// summary (<see cref="InboxSync"/>: a burst of messages costs a few inbox calls), and the creator who received the
/// opening learns when it started and when they answered (their responsiveness). Both are idempotent and best effort:
/// a message stays acknowledged if they fail, and they are sent again on the next change and whenever the grain
/// re-activates. Used from the conversation grain's context.
/// </summary>
internal sealed partial class ConversationReports
{
    private readonly string _id;
    private readonly string _first;
    private readonly string _second;
    private readonly Func<ConversationHead?> _head;
    private readonly Func<long, Task<Message>> _message;
    private readonly IGrainFactory _grains;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<string, InboxSync> _inboxes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long LastSeq, long ReadSeq)> _pushed = new(StringComparer.Ordinal);

    public ConversationReports(string id, string first, string second, Func<ConversationHead?> head, Func<long, Task<Message>> message, IGrainFactory grains, TimeProvider time, ILogger logger)
    {
        (_id, _first, _second, _head, _message, _grains, _time, _logger) = (id, first, second, head, message, grains, time, logger);
        foreach (var participant in new[] { first, second })
        {
            _inboxes[participant] = new InboxSync(() => PushInboxAsync(participant), time);
        }
    }

    /// <summary>The latest report of the opening to the creator (completed when none is under way).</summary>
    public Task Opening { get; private set; } = Task.CompletedTask;

    /// <summary>Brings the inboxes of <paramref name="participants"/> up to date. The change itself is stored whatever happens here.</summary>
    public async Task InboxesAsync(params string[] participants)
    {
        try
        {
            await Task.WhenAll(participants.Select(p => _inboxes[p].RequestAsync()));
        }
        catch (Exception ex)
        {
            LogInboxBehind(_logger, ex, _id);
        }
    }

    /// <summary>The opening (or its answer) changed: tell the creator.</summary>
    public void OpeningChanged() => Opening = ReportOpeningAsync();

    /// <summary>The head was read afresh: what was last sent, or the opening's report, may have been lost with a silo; send again.</summary>
    public void Reloaded()
    {
        _pushed.Clear();
        if (_head() is { LastSeq: > 0 })
        {
            _ = InboxesAsync(_first, _second);
        }

        if (_head() is { CountedFor: not null, OpeningAt: { } openedAt } && openedAt > _time.GetUtcNow() - ResponsivenessMath.Window)
        {
            OpeningChanged();
        }
    }

    private async Task ReportOpeningAsync()
    {
        if (_head() is not { CountedFor: { } creator, OpeningAt: { } openedAt } head)
        {
            return;
        }

        try
        {
            await _grains.GetGrain<IReplyQueueGrain>(creator).ObserveOpening(_id, openedAt, head.AnsweredAt);
        }
        catch (Exception ex)
        {
            LogOpeningNotReported(_logger, ex, _id);
        }
    }

    private async Task PushInboxAsync(string participant)
    {
        if (_head() is not { LastSeq: > 0 } head)
        {
            return;
        }

        var state = (head.LastSeq, head.ReadOf(participant));
        if (_pushed.TryGetValue(participant, out var pushed) && pushed == state)
        {
            return;
        }

        var last = await _message(state.LastSeq);
        var with = participant == _first ? _second : _first;
        await _grains.GetGrain<IInboxGrain>(participant).Apply(new InboxUpdate(_id, with, last, state.Item2));
        _pushed[participant] = state;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The opening of conversation {ConversationId} was not reported to the creator's responsiveness.")]
    private static partial void LogOpeningNotReported(ILogger logger, Exception ex, string conversationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An inbox of conversation {ConversationId} is behind; it catches up on the next change.")]
    private static partial void LogInboxBehind(ILogger logger, Exception ex, string conversationId);
}
