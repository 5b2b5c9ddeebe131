using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Community.Client;

public sealed class CommunityClientOptions
{
    /// <summary>The hosts' base addresses (e.g. <c>http://host-a:8081/</c>); the client starts with the first.</summary>
    public required IReadOnlyList<Uri> Hosts { get; init; }

    /// <summary>The bearer token, asked for on every connection and history call.</summary>
    public required Func<Task<string?>> AccessToken { get; init; }

    public string HubPath { get; init; } = "/hubs/community";

    /// <summary>The second retry waits about this long; each later one twice as long as the one before, up to <see cref="MaxDelay"/>.</summary>
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(10);

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>Transport settings of each hub connection (the client sets only the access token).</summary>
    public Action<HttpConnectionOptions>? ConfigureConnection { get; init; }

    /// <summary>The handler of the history calls (conversations); a plain <see cref="HttpClientHandler"/> when null.</summary>
    public HttpMessageHandler? HttpHandler { get; init; }
}
