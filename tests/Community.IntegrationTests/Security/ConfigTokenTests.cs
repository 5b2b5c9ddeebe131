using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Community.Engagement;
using Community.Host.Hosting;
using Community.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Community.IntegrationTests.Security;

/// <summary>What a token grants, and for how long: hub connections end with their token; an identity provider's tokens name the handle in a claim of the operator's choice.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ConfigTokenTests(ClusterFixture cluster)
{
    [Fact]
    public async Task A_hub_connection_is_closed_when_its_token_expires()
    {
        var user = ClusterFixture.Unique("short");
        await using var connection = await TestHost.ConnectAsync(cluster.A.BaseAddress, ConfigTokens.SelfSigned(user, TimeSpan.FromSeconds(3)));
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += error =>
        {
            closed.TrySetResult(error);
            return Task.CompletedTask;
        };

        // While the token is valid the connection serves calls.
        await connection.InvokeAsync("UnsubscribePost", "aaaaaaaaaaaa");

        // SignalR checks each connection's token expiry about once a second.
        var ended = await Task.WhenAny(closed.Task, Task.Delay(TimeSpan.FromSeconds(20)));
        Assert.True(ended == closed.Task, "The connection outlived its token by more than 15 seconds.");
        Assert.Equal(HubConnectionState.Disconnected, connection.State);
    }

    [Fact]
    public async Task With_an_identity_provider_the_handle_comes_from_the_configured_claim_and_an_opaque_sub_is_not_a_handle()
    {
        const string issuer = "https://idp.example.test/";
        using var rsa = RSA.Create(2048);
        var key = new RsaSecurityKey(rsa) { KeyId = "test-key" };
        var openId = new OpenIdConnectConfiguration { Issuer = issuer };
        openId.SigningKeys.Add(key);
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "AzureStorage",
            ["Storage:ConnectionString"] = TestStorage.ConnectionString,
            ["Cluster:ClusterId"] = cluster.ClusterId + "-idp",
            ["Cluster:ServiceId"] = "community-tests",
            ["Cluster:SiloPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Auth:Authority"] = issuer,
            ["Auth:Audience"] = "community-api",
            ["Auth:HandleClaim"] = "preferred_username",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        await using var app = CommunityApp.Build(["--urls", "http://127.0.0.1:0", "--environment", "Testing"], b =>
        {
            b.Configuration.AddInMemoryCollection(settings);
            // The provider's discovery document and keys, as the host would fetch them from the authority.
            b.Services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, o =>
                o.ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(openId));
        });
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var handle = ClusterFixture.Unique("idp");
        HttpClient As(params Claim[] claims) => new()
        {
            BaseAddress = address,
            DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", ConfigTokens.Signed(key, issuer, "community-api", claims)) },
        };

        using var user = As(new Claim("sub", "00u1f2Xk9Qz-Opaque|Id"), new Claim("preferred_username", handle));
        var profile = await user.PutAsJsonAsync($"/api/creators/{handle}", new { displayName = "From the IdP", niches = new[] { "food" } });
        Assert.Equal(HttpStatusCode.OK, profile.StatusCode);
        Assert.Equal(handle, (await profile.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("handle").GetString());
        await using var hub = await TestHost.ConnectAsync(address, ConfigTokens.Signed(key, issuer, "community-api",
            [new Claim("sub", "00u1f2Xk9Qz-Opaque|Id"), new Claim("preferred_username", handle)]));
        Assert.Equal(handle, (await hub.InvokeAsync<EngagementScores>("WatchCreator", handle)).Id);

        // The sub of another user is not the handle here, and a token without the claim gets nothing.
        using var posing = As(new Claim("sub", handle), new Claim("preferred_username", ClusterFixture.Unique("other")));
        Assert.Equal(HttpStatusCode.Forbidden, (await posing.PutAsJsonAsync($"/api/creators/{handle}", new { displayName = "Not me", niches = new[] { "food" } })).StatusCode);
        using var opaqueOnly = As(new Claim("sub", handle));
        Assert.Equal(HttpStatusCode.Unauthorized, (await opaqueOnly.GetAsync($"/api/creators/{handle}")).StatusCode);
        await app.StopAsync();
    }
}
