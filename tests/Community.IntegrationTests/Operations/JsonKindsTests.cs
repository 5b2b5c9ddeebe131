using Community.Host.Hosting;

namespace Community.IntegrationTests.Operations;

/// <summary>How an error tells a caller the JSON a field or argument takes.</summary>
public sealed class JsonKindsTests
{
    [Theory]
    [InlineData(typeof(string), "text")]
    [InlineData(typeof(long?), "a whole number")]
    [InlineData(typeof(double), "a number")]
    [InlineData(typeof(bool), "true or false")]
    [InlineData(typeof(DateTimeOffset), "an ISO-8601 time")]
    [InlineData(typeof(List<string>), "a list")]
    [InlineData(typeof(string[]), "a list")]
    [InlineData(typeof(Dictionary<string, int>), "a JSON object")]        // a map enumerates its pairs, but is written as an object
    [InlineData(typeof(IReadOnlyDictionary<string, long>), "a JSON object")]
    public void A_type_is_told_as_the_JSON_it_takes(Type type, string expected)
    {
        Assert.Equal(expected, JsonKinds.Describe(type));
    }
}
