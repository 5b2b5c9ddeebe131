namespace Community.Grains.Conversations;

/// <summary>The head row of an inbox partition: how many conversations it lists and their unread messages in total.</summary>
public sealed record InboxHead(long Conversations = 0, long Unread = 0);
