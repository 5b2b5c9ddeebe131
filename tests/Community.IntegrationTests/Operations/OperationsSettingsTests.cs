using Community.Host.Hosting;
using Community.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Community.IntegrationTests.Operations;

/// <summary>The operations options are validated at start and say what is wrong, like every other option.</summary>
public sealed class OperationsSettingsTests
{
    [Theory]
    [InlineData("Storage:TableServiceUri", "https://example.table.core.windows.net", "not both")]
    [InlineData("Telemetry:PrometheusPath", "metrics", "PrometheusPath")]
    [InlineData("Telemetry:OtlpEndpoint", "collector:4317", "OtlpEndpoint")]
    [InlineData("Dashboard:Users:0", "Not A Handle", "Dashboard:Users must be handles")]
    [InlineData("OpenApi:ReferencePath", "scalar", "ReferencePath")]
    public async Task A_host_with_an_invalid_setting_refuses_to_start_and_names_it(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "AzureStorage",
            ["Storage:ConnectionString"] = TestStorage.ConnectionString,
            ["Cluster:SiloPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Cluster:GatewayPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Auth:SigningKey"] = TestHost.SecretSigningKey,
            ["Logging:LogLevel:Default"] = "None",
            [key] = value,
        };

        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var app = CommunityApp.Build(["--urls", "http://127.0.0.1:0", "--environment", "Testing"], b => b.Configuration.AddInMemoryCollection(settings));
            await app.StartAsync();
        });

        var validation = error as OptionsValidationException ?? error.InnerException as OptionsValidationException;
        Assert.True(validation is not null, $"Expected an options validation error, got {error.GetType().Name}: {error.Message}");
        Assert.Contains(expected, validation.Message, StringComparison.Ordinal);
    }
}
