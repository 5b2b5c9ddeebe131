using System.Net;
using System.Net.Http.Json;
using Community.Conversations;
using Community.Creators;
using Community.IntegrationTests.Conversations;
using Community.IntegrationTests.Infrastructure;
using Community.IntegrationTests.Livestreams;
using Community.Livestreams;
using Community.Posts;
using Community.Realtime;
using Microsoft.AspNetCore.SignalR.Client;

namespace Community.IntegrationTests.Posts;

/// <summary>
/// Text a reader would see as nothing is refused wherever a user types (comments, messages, chat, names, titles), over
/// HTTP and the hub alike, and blocked terms cannot be slipped past a room with invisible or full-width characters.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class InvisibleTextTests(ClusterFixture cluster)
{
    public static TheoryData<string, string> InvisibleTexts => new()
    {
        { "zero-width characters", "\u200B\u200C\u200D\u2060\uFEFF" },
        { "control characters", "\u0007\u0001\u001B" },
        { "a bidi override", "\u202E" },
        { "a bidi isolate around blanks", "\u2067 \u00A0 \u2069" },
        { "a Hangul filler", "\u3164" },
    };

    [Theory]
    [MemberData(nameof(InvisibleTexts))]
    public async Task A_comment_message_chat_line_post_title_or_display_name_with_nothing_visible_is_400_and_stores_nothing(string kind, string text)
    {
        Assert.NotEmpty(kind);
        var creator = ClusterFixture.Unique("cr");
        var creatorHttp = await cluster.A.CreatorAsync(creator);
        var postId = await creatorHttp.PublishAsync(creator);
        var room = await creatorHttp.CreateLiveAsync();
        await creatorHttp.LiveActionAsync(room.LiveId, "start");
        var fan = ClusterFixture.Unique("fan");
        var fanHttp = await cluster.B.ClientAsync(fan);
        await using var fanHub = await cluster.A.ConnectAsync(fan);
        var conversation = await fanHttp.OpenAsync(ClusterFixture.Unique("pal"));

        var refusals = new List<string>
        {
            await (await fanHttp.PostAsJsonAsync($"/api/posts/{postId}/comments", new { text })).ProblemAsync(HttpStatusCode.BadRequest),
            await fanHub.InvokeAsync<Comment>("Comment", postId, text, null, null).HubErrorAsync(400),
            await (await fanHttp.PostAsJsonAsync($"/api/conversations/{conversation.ConversationId}/messages", new { text })).ProblemAsync(HttpStatusCode.BadRequest),
            await fanHub.InvokeAsync<Message>("SendMessage", conversation.ConversationId, text, null).HubErrorAsync(400),
            await (await fanHttp.PostChatAsync(room.LiveId, text)).ProblemAsync(HttpStatusCode.BadRequest),
            await fanHub.SendChatAsync(room.LiveId, text).HubErrorAsync(400),
            await (await creatorHttp.PutAsJsonAsync($"/api/creators/{creator}", new { displayName = text })).ProblemAsync(HttpStatusCode.BadRequest),
            await (await creatorHttp.PostAsJsonAsync($"/api/creators/{creator}/posts", new { text })).ProblemAsync(HttpStatusCode.BadRequest),
            await (await creatorHttp.PostAsJsonAsync("/api/livestreams", new { title = text })).ProblemAsync(HttpStatusCode.BadRequest),
        };

        Assert.All(refusals, detail => Assert.Matches("(has no visible characters|contains a control character|must be one line)", detail));
        Assert.Contains("The comment ", refusals[0]);
        Assert.Contains("The message ", refusals[2]);
        Assert.Contains("The chat message ", refusals[4]);
        Assert.Contains("The display name ", refusals[6]);
        Assert.Contains("The title ", refusals[8]);
        Assert.Equal(0, (await fanHttp.GetFromJsonAsync<CommentPage>($"/api/posts/{postId}/comments", Api.Json))!.LastSeq);
        Assert.Equal(0, (await fanHttp.MessagesAsync(conversation.ConversationId)).LastSeq);
        Assert.Equal(0, (await fanHttp.ChatPageAsync(room.LiveId)).LastSeq);
        Assert.Equal(creator.ToUpperInvariant(), (await creatorHttp.GetFromJsonAsync<CreatorProfile>($"/api/creators/{creator}", Api.Json))!.DisplayName);
    }

    [Fact]
    public async Task Visible_text_keeps_its_line_breaks_and_loses_its_bidi_overrides()
    {
        var creator = ClusterFixture.Unique("cr");
        var creatorHttp = await cluster.A.CreatorAsync(creator);
        var postId = await creatorHttp.PublishAsync(creator);
        var fanHttp = await cluster.B.ClientAsync(ClusterFixture.Unique("fan"));

        var comment = await fanHttp.CommentAsync(postId, "  first line\r\n\u202Esecond\u202C line 👨‍👩‍👧  ");

        Assert.Equal("first line\nsecond line 👨‍👩‍👧", comment.Text);
    }

    [Fact]
    public async Task A_blocked_term_hidden_with_zero_width_or_full_width_characters_is_refused_like_the_plain_term()
    {
        var room = await cluster.CoHostedRoomAsync();
        await using var viewer = await cluster.B.ConnectAsync(ClusterFixture.Unique("v"));
        var seen = new EventLog<ChatMessage>(viewer, ClientEvents.ChatReceived);
        await viewer.JoinLiveAsync(room.LiveId);
        var fanName = ClusterFixture.Unique("fan");
        var fan = await cluster.A.ClientAsync(fanName);
        await using var fanHub = await cluster.B.ConnectAsync(fanName);

        // One term typed plainly, one typed in full-width letters with a zero-width space: both are stored folded.
        await room.OnA.ModerateAsync(room.LiveId, new ModerationRequest("blockTerms", Terms: ["Spoiler", "ｓｃａ\u200Bｍ"]));

        string[] hidden = ["big spo\u200Biler ahead", "ＳＰＯＩＬＥＲ!", "s\u200Dp\u2060o\uFEFFi\u00ADler", "Ｓｐｏ\u200Bｉｌｅｒ", "free SCAM", "a s\u200Bcam"];
        foreach (var text in hidden)
        {
            Assert.Contains("blocked", await (await fan.PostChatAsync(room.LiveId, text)).ProblemAsync(HttpStatusCode.BadRequest));
            Assert.Contains("blocked", await fanHub.SendChatAsync(room.LiveId, text).HubErrorAsync(400));
        }

        var fine = await fan.ChatAsync(room.LiveId, "no spoilers, no scammers");

        Assert.Equal(1, fine.Seq);
        Assert.Equal([fine.Id], (await seen.WaitForAsync(_ => true)).Select(m => m.Id));
        Assert.Equal(["spoiler", "scam"], (await room.OnA.GetFromJsonAsync<ModerationLog>($"/api/livestreams/{room.LiveId}/moderation", Api.Json))!.BlockedTerms);
    }
}
