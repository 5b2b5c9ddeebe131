using System.Net;
using System.Net.Http.Json;
using Community.Conversations;
using Community.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Community.IntegrationTests.Conversations;

/// <summary>What a user does with conversations over the public API, so tests read as steps.</summary>
public static class ConversationSteps
{
    public static async Task<ConversationInfo> OpenAsync(this HttpClient client, string with)
    {
        var response = await client.PostAsJsonAsync("/api/conversations", new { with });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ConversationInfo>(Api.Json))!;
    }

    public static async Task<Message> SendAsync(this HttpClient client, string conversationId, string text, string? clientId = null)
    {
        var response = await client.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", new { text, clientId });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Message>(Api.Json))!;
    }

    public static async Task<MessagePage> MessagesAsync(this HttpClient client, string conversationId, long afterSeq = 0, int limit = 200) =>
        (await client.GetFromJsonAsync<MessagePage>($"/api/conversations/{conversationId}/messages?afterSeq={afterSeq}&limit={limit}", Api.Json))!;

    public static async Task<ReadReceipt> MarkReadAsync(this HttpClient client, string conversationId, long seq)
    {
        var response = await client.PostAsJsonAsync($"/api/conversations/{conversationId}/read", new { seq });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ReadReceipt>(Api.Json))!;
    }

    /// <summary>The whole inbox, read page by page (<paramref name="pageSize"/> at a time) by following <c>next</c>.</summary>
    public static async Task<(List<InboxEntry> Items, long Unread, int Pages)> InboxAsync(this HttpClient client, int pageSize = 50)
    {
        var items = new List<InboxEntry>();
        string? next = null;
        var pages = 0;
        long unread;
        do
        {
            var query = next is null ? $"limit={pageSize}" : $"limit={pageSize}&before={Uri.EscapeDataString(next)}";
            var page = (await client.GetFromJsonAsync<InboxPage>($"/api/conversations?{query}", Api.Json))!;
            items.AddRange(page.Items);
            unread = page.Unread;
            next = page.Next;
            pages++;
        }
        while (next is not null);

        return (items, unread, pages);
    }

    /// <summary>Asserts that a hub call fails with <paramref name="status"/> and a message in words; returns the message.</summary>
    public static async Task<string> HubFailsAsync(this Task call, HttpStatusCode status)
    {
        var error = await Assert.ThrowsAsync<HubException>(() => call);
        // The client reads "An unexpected error occurred invoking 'X' on the server. HubException: 404 Not found: …".
        Assert.Contains($"HubException: {(int)status} ", error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Length > 20, $"A hub error must say what was wrong: '{error.Message}'.");
        return error.Message;
    }
}
