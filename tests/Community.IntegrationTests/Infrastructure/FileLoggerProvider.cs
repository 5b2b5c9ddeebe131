using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Community.IntegrationTests.Infrastructure;

/// <summary>
/// Writes test hosts' warnings and errors to <c>artifacts/test-hosts.log</c> (when the run's artifacts folder
/// exists), so a failure in CI can be read after the fact; the test output itself stays quiet.
/// </summary>
public sealed class FileLoggerProvider(string host) : ILoggerProvider
{
    private static readonly BlockingCollection<string> Lines = StartWriter();

    public ILogger CreateLogger(string categoryName) => new Logger(host, categoryName);

    public void Dispose()
    {
    }

    private static BlockingCollection<string> StartWriter()
    {
        var lines = new BlockingCollection<string>(10_000);
        var path = Environment.GetEnvironmentVariable("COMMUNITY_TEST_LOG");
        if (!string.IsNullOrEmpty(path))
        {
            var thread = new Thread(() =>
            {
                using var writer = new StreamWriter(path, append: true) { AutoFlush = true };
                foreach (var line in lines.GetConsumingEnumerable())
                {
                    writer.WriteLine(line);
                }
            }) { IsBackground = true, Name = "test-host-log" };
            thread.Start();
        }

        return lines;
    }

    private sealed class Logger(string host, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning && Environment.GetEnvironmentVariable("COMMUNITY_TEST_LOG") is { Length: > 0 };

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                Lines.TryAdd($"{DateTime.UtcNow:HH:mm:ss.fff} {host} {logLevel} {category}: {formatter(state, exception)} {exception}");
            }
        }
    }
}
