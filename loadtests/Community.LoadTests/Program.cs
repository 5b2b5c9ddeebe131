using System.CommandLine;
using Community.LoadTests.Cli;

// Ctrl-C cancels the scenario's token; the scenario then stops sending, closes its connections and still writes
// what it measured, which needs a few seconds beyond System.CommandLine's default grace of 2.
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(10) };
return await DriverCommandLine.Create().Parse(args).InvokeAsync(invocation);
