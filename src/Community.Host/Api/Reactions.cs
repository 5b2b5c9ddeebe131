using Community.Errors;
using Community.Posts;

namespace Community.Host;

public static class Reactions
{
    public static ReactionKind Parse(string? kind) => kind switch
    {
        "like" => ReactionKind.Like,
        "share" => ReactionKind.Share,
        "save" => ReactionKind.Save,
        _ => throw CommunityException.Invalid($"Unknown reaction kind '{kind}': use like, share or save."),
    };
}
