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

    [Fact]
    public void Arguments_refused_on_many_connections_at_once_are_all_described()
    {
        // Types none of whose parameters were described before in this process, each by several threads at once, as
        // concurrent refused calls of one hub are: a shared NullabilityInfoContext (plain dictionaries) threw "An item
        // with the same key has already been added" here and closed the caller's connection.
        var types = typeof(string).Assembly.GetExportedTypes()
            .Where(t => !t.IsGenericTypeDefinition)
            .Select(t => t.GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.DeclaredOnly)
                .Where(m => !m.ContainsGenericParameters)
                .SelectMany(m => m.GetParameters())
                .Where(p => !p.ParameterType.IsValueType && !p.ParameterType.IsByRef && !p.ParameterType.IsPointer)
                .ToList())
            .Where(parameters => parameters.Count > 0)
            .ToList();
        const int Threads = 4;
        var described = 0;
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();

        // Each thread takes every type in step with the others (a barrier per type), so they meet on the same cold entries.
        using var inStep = new Barrier(Threads);
        var threads = Enumerable.Range(0, Threads).Select(_ => new Thread(() =>
        {
            foreach (var parameters in types)
            {
                inStep.SignalAndWait();
                foreach (var parameter in parameters)
                {
                    try
                    {
                        Assert.False(string.IsNullOrEmpty(JsonKinds.Describe(parameter)));
                        Interlocked.Increment(ref described);
                    }
                    catch (Exception ex)
                    {
                        failures.Enqueue(ex);
                    }
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Empty(failures);
        Assert.Equal(Threads * types.Sum(p => p.Count), described);
    }
}
