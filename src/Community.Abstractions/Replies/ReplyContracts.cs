using Community.Posts;

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
    [property: Id(3)] IReadOnlyList<string> Removed);
