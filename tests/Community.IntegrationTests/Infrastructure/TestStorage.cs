namespace Community.IntegrationTests.Infrastructure;

/// <summary>The Azurite that <c>scripts/test.sh</c> starts for the run.</summary>
public static class TestStorage
{
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("COMMUNITY_TEST_STORAGE") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                "COMMUNITY_TEST_STORAGE is not set: run the tests with `bash scripts/test.sh`, which starts Azurite and sets it.");

    /// <summary>Path of Azurite's entry script, for tests that run (and kill) an Azurite of their own.</summary>
    public static string AzuriteScript =>
        Environment.GetEnvironmentVariable("COMMUNITY_AZURITE_JS") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException("COMMUNITY_AZURITE_JS is not set: run the tests with `bash scripts/test.sh`.");
}
