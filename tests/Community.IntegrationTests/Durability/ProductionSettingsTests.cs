using System.Net;
using System.Net.Http.Json;
using Community.IntegrationTests.Infrastructure;

namespace Community.IntegrationTests.Durability;

public sealed class ProductionSettingsTests
{
    [Fact]
    public async Task Without_dev_tokens_the_token_endpoint_does_not_exist_and_health_still_answers()
    {
        await using var host = await TestHost.StartAsync("prod-" + Guid.NewGuid().ToString("N")[..8], settings: new Dictionary<string, string?>
        {
            ["Auth:DevTokens"] = "false",
        });
        using var anonymous = new HttpClient { BaseAddress = host.BaseAddress };

        var token = await anonymous.PostAsJsonAsync("/api/dev/token", new { user = "mallory" });

        await token.ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);
    }
}
