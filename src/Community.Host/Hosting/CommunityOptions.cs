using System.ComponentModel.DataAnnotations;

namespace Community.Host.Hosting;

public enum StorageProvider
{
    /// <summary>Azure Storage (Azurite locally): clustering, grain state and streams.</summary>
    AzureStorage,

    /// <summary>Everything in this process's memory: for demos and quick tries; lost on exit, one host only.</summary>
    Memory,
}

/// <summary>Section <c>Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    [Required]
    public StorageProvider? Provider { get; set; }

    /// <summary>Azure Storage connection string; <c>UseDevelopmentStorage=true</c> for Azurite on its default ports.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Table service endpoint (<c>https://ACCOUNT.table.core.windows.net</c>) reached with <c>DefaultAzureCredential</c>
    /// (managed identity, workload identity, Azure CLI …) instead of a connection string: for accounts that forbid shared keys.
    /// </summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>Prefix of the project's own tables (letters and digits).</summary>
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{0,30}$")]
    public string TablePrefix { get; set; } = "community";

    /// <summary>How long one storage call may take before the caller gets a 503.</summary>
    [Range(typeof(TimeSpan), "00:00:00.5", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>Section <c>Cluster</c>: how this host's silo finds the others.</summary>
public sealed class ClusterHostOptions
{
    public const string Section = "Cluster";

    [Required]
    public string ClusterId { get; set; } = "community-dev";

    [Required]
    public string ServiceId { get; set; } = "community";

    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>
    /// The Orleans gateway, for external Orleans clients; 0 (the default) keeps it off. Nothing of Community uses it, and
    /// whoever reaches it may call any grain and skip every check of the API and the hub.
    /// </summary>
    [Range(0, 65535)]
    public int GatewayPort { get; set; }

    /// <summary>Name or address other silos reach this one at; defaults to 127.0.0.1.</summary>
    public string? AdvertisedHost { get; set; }

    /// <summary>
    /// The address the silo (and gateway, when on) listens on; defaults to the advertised address. <c>0.0.0.0</c> listens
    /// on every interface, for a host reached through an address that is not its own (NAT).
    /// </summary>
    public string? ListenAddress { get; set; }

    /// <summary>
    /// How often each silo probes the others, and how long one probe may take. With <see cref="MissedProbesLimit"/> it
    /// sets how soon a dead host is declared dead, and so how soon its grains come back elsewhere and calls waiting on
    /// it fail over: about ProbeTimeout × MissedProbesLimit. Shorter finds dead hosts sooner, but a host starved of CPU
    /// for that long (a long GC pause) is taken for dead too.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.2", "00:01:00")]
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Missed probes after which a silo suspects another and votes it dead (two votes declare it).</summary>
    [Range(2, 10)]
    public int MissedProbesLimit { get; set; } = 3;

    /// <summary>
    /// How long a grain call may wait for its answer. Calls to a host declared dead fail at once, so this bounds only
    /// calls to a live but stuck grain; it must exceed the time to declare a host dead and a storage call's retries.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The longest a host takes to stop once asked (SIGTERM, Ctrl-C). Four fifths of it go to a graceful stop (leaving
    /// the cluster, deactivating grains); past all of it the process exits regardless, as when storage is already gone.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:02", "00:10:00")]
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>About how long after a host dies the others declare it dead.</summary>
    public TimeSpan DeathDetection => ProbeTimeout * MissedProbesLimit;
}

/// <summary>Section <c>Auth</c>.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>Whether <c>POST /api/dev/token</c> signs tokens for any handle. Never in production.</summary>
    public bool DevTokens { get; set; }

    /// <summary>HMAC key (at least 32 characters) for tokens this service signs and validates.</summary>
    public string? SigningKey { get; set; }

    public string Issuer { get; set; } = "community";

    public string Audience { get; set; } = "community";

    /// <summary>An OpenID Connect authority whose tokens are accepted instead of self-signed ones.</summary>
    public string? Authority { get; set; }

    /// <summary>
    /// With <see cref="Authority"/>: the claim of the identity provider's tokens that carries the caller's handle
    /// (such as <c>preferred_username</c>, when <c>sub</c> is an opaque id). Self-signed tokens always use <c>sub</c>.
    /// </summary>
    [Required]
    [RegularExpression(@"^\S{1,100}$")]
    public string HandleClaim { get; set; } = "sub";

    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(12);
}
