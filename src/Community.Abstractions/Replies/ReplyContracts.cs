using Community.Posts;
using Community.Realtime;

namespace Community.Replies;

/// <summary>A creator's reply queue, oldest first: fans' comments that await the creator's reply.</summary>
[GenerateSerializer, Immutable]
[Alias("community.unanswered-page")]
public sealed record UnansweredPage(
    [property: Id(0)] IReadOnlyList<Comment> Items,
    [property: Id(1)] long Total);

/// <summary>The <c>UnansweredChanged</c> event: comments that joined (<see cref="Added"/>) or left (<see cref="Removed"/>, by id) the queue.</summary>
[GenerateSerializer, Immutable]
[Alias("community.unanswered-changed")]
public sealed record UnansweredChanged(
    [property: Id(0)] string Creator,
    [property: Id(1)] long Total,
    [property: Id(2)] IReadOnlyList<Comment> Added,
    [property: Id(3)] IReadOnlyList<string> Removed) : IClientEvent
{
    static string IClientEvent.EventName => ClientEvents.UnansweredChanged;
}

/// <summary>
/// How a creator answers fans over the last <see cref="WindowDays"/> days (rules in docs/engagement.md):
/// the share of fans' comments and conversation openings answered, and how long answers took.
/// Null figures mean there is nothing to compute them from.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("community.responsiveness")]
public sealed record Responsiveness(
    [property: Id(0)] double? ReplyRate,
    [property: Id(1)] double? MedianResponseSeconds,
    [property: Id(2)] double? P90ResponseSeconds,
    [property: Id(3)] long Answered,
    [property: Id(4)] long Awaiting,
    [property: Id(5)] int WindowDays);
