using System.Security.Cryptography;

namespace Community.LoadTests.Workload;

/// <summary>Each run uses fresh users and posts, so runs never see each other's data, even on a long-lived server.</summary>
public static class RunIds
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>Six random lowercase letters and digits.</summary>
    public static string New() => RandomNumberGenerator.GetString(Alphabet, 6);

    /// <summary>A handle for this run (<c>lt_{runId}_{role}{index}</c>), within <c>^[a-z0-9_]{3,30}$</c>.</summary>
    public static string Handle(string runId, string role, int index) => $"lt_{runId}_{role}{index}";
}
