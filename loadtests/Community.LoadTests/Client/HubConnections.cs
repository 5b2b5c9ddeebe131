using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Community.LoadTests.Client;

public static class HubConnections
{
    /// <summary>
    /// A connection to the community hub as the token's user: WebSockets only, without the negotiate round trip, the
    /// token in the query string. No automatic reconnect: a dropped connection is something a load test must report.
    /// </summary>
    public static HubConnection Create(Uri baseUrl, string token) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(baseUrl, HubNames.Path), o =>
            {
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
            })
            .Build();
}
