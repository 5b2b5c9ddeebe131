using BenchmarkDotNet.Running;

// dotnet run -c Release --project loadtests/Community.Benchmarks -- --filter '*' --job short
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

/// <summary>Entry point.</summary>
public partial class Program;
