namespace Community.LoadTests.Cli;

/// <summary>What every scenario gets from the command line: where the server is and where results go.</summary>
public sealed record DriverContext(Uri Url, DirectoryInfo ResultsDirectory);
