using System.CommandLine;
using Community.LoadTests.Metrics;

namespace Community.LoadTests.Cli;

/// <summary>The options every scenario takes.</summary>
public sealed class CommonOptions
{
    public Option<Uri> Url { get; } = new("--url")
    {
        Description = "Base URL of the Community host (http or https).",
        DefaultValueFactory = _ => new Uri("http://127.0.0.1:5080"),
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                return uri;
            }

            result.AddError($"--url must be an absolute http(s) URL such as http://127.0.0.1:5080; it was '{text}'.");
            return null;
        },
    };

    public Option<DirectoryInfo> ResultsDirectory { get; } = new("--results-dir")
    {
        Description = "Where the JSON result goes: loadtests/results of the checkout the driver was built in.",
        DefaultValueFactory = _ => ResultsWriter.DefaultDirectory(),
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Url);
        command.Options.Add(ResultsDirectory);
    }

    public DriverContext Read(ParseResult parse) =>
        new(parse.GetRequiredValue(Url), parse.GetRequiredValue(ResultsDirectory));
}
