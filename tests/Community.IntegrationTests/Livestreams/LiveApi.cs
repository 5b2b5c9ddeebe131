using System.Net;
using System.Net.Http.Json;
using Community.IntegrationTests.Infrastructure;
using Community.Livestreams;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Community.IntegrationTests.Livestreams;

/// <summary>A co-hosted room for a test: its first host signed in on cluster host A, its co-host on host B.</summary>
public sealed record CoHostedRoom(string LiveId, string HostA, HttpClient OnA, string HostB, HttpClient OnB);

/// <summary>What users do with livestreams over HTTP and the hub, so tests read as those steps.</summary>
public static class LiveApi
{
    /// <summary>Creator <c>HostA</c> (on A) creates a room, invites creator <c>HostB</c> (on B), who accepts; then the room starts unless told not to.</summary>
    public static async Task<CoHostedRoom> CoHostedRoomAsync(this ClusterFixture cluster, bool start = true)
    {
        var hostA = ClusterFixture.Unique("ha");
        var hostB = ClusterFixture.Unique("hb");
        var onA = await cluster.A.CreatorAsync(hostA);
        var onB = await cluster.B.CreatorAsync(hostB);
        var room = await onA.CreateLiveAsync();
        (await onA.PostAsJsonAsync($"/api/livestreams/{room.LiveId}/invites", new { handle = hostB })).EnsureSuccessStatusCode();
        (await onB.PostAsync($"/api/livestreams/{room.LiveId}/hosts/me", null)).EnsureSuccessStatusCode();
        if (start)
        {
            await onA.LiveActionAsync(room.LiveId, "start");
        }

        return new CoHostedRoom(room.LiveId, hostA, onA, hostB, onB);
    }

    public static async Task<LiveRoom> CreateLiveAsync(this HttpClient host, string title = "Cooking together")
    {
        var response = await host.PostAsJsonAsync("/api/livestreams", new { title });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<LiveRoom>(Api.Json))!;
    }

    /// <summary>POST /api/livestreams/{id}/{action} (start, end, hosts/me) expecting 200 and the room.</summary>
    public static async Task<LiveRoom> LiveActionAsync(this HttpClient client, string liveId, string action)
    {
        var response = await client.PostAsync($"/api/livestreams/{liveId}/{action}", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<LiveRoom>(Api.Json))!;
    }

    public static async Task<LiveRoom> RoomAsync(this HttpClient client, string liveId) =>
        (await client.GetFromJsonAsync<LiveRoom>($"/api/livestreams/{liveId}", Api.Json))!;

    public static async Task<ChatPage> ChatPageAsync(this HttpClient client, string liveId, long afterSeq = 0, int limit = 200) =>
        (await client.GetFromJsonAsync<ChatPage>($"/api/livestreams/{liveId}/chat?afterSeq={afterSeq}&limit={limit}", Api.Json))!;

    public static Task<HttpResponseMessage> PostChatAsync(this HttpClient client, string liveId, string text, string? clientId = null, string? via = null) =>
        client.PostAsJsonAsync($"/api/livestreams/{liveId}/chat", new { text, clientId, via });

    public static async Task<ChatMessage> ChatAsync(this HttpClient client, string liveId, string text, string? clientId = null, string? via = null)
    {
        var response = await client.PostChatAsync(liveId, text, clientId, via);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ChatMessage>(Api.Json))!;
    }

    public static Task<HttpResponseMessage> PostModerationAsync(this HttpClient client, string liveId, ModerationRequest request) =>
        client.PostAsJsonAsync($"/api/livestreams/{liveId}/moderation", request, Api.Json);

    public static async Task<ModerationRecord> ModerateAsync(this HttpClient client, string liveId, ModerationRequest request)
    {
        var response = await client.PostModerationAsync(liveId, request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ModerationRecord>(Api.Json))!;
    }

    public static Task<LiveJoin> JoinLiveAsync(this HubConnection connection, string liveId, string? via = null, long? afterSeq = null) =>
        connection.InvokeAsync<LiveJoin>("JoinLive", liveId, via, afterSeq);

    public static Task<ChatMessage> SendChatAsync(this HubConnection connection, string liveId, string text, string? clientId = null) =>
        connection.InvokeAsync<ChatMessage>("SendChat", liveId, text, clientId);

    /// <summary>Awaits a hub call that must fail with <paramref name="status"/>; returns the error's message ("… 429 Too many requests: …").</summary>
    public static async Task<string> HubErrorAsync(this Task call, int status)
    {
        var ex = await Assert.ThrowsAsync<HubException>(() => call);
        // SignalR prefixes the server's words with "An unexpected error occurred invoking 'X' on the server. HubException: ".
        Assert.Contains($"HubException: {status} ", ex.Message);
        return ex.Message;
    }
}
