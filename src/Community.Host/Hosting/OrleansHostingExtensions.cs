using System.Net;
using System.Net.Sockets;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Community.Grains;
using Community.Grains.Storage;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;

namespace Community.Host.Hosting;

public static class OrleansHostingExtensions
{
    /// <summary>
    /// How grain state is stored in Azure Table storage: JSON of the state's own shape (System.Text.Json, property names as
    /// declared), without .NET type names, so renaming a type never strands stored state.
    /// </summary>
    public static IGrainStorageSerializer GrainStateSerializer { get; } =
        new SystemTextJsonGrainStorageSerializer(Options.Create(new SystemTextJsonGrainStorageSerializerOptions()));

    /// <summary>Co-hosts the Orleans silo with the chosen storage: Azure Table clustering and grain state, or both in memory.</summary>
    public static WebApplicationBuilder AddCommunitySilo(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.Provider != StorageProvider.AzureStorage || !string.IsNullOrWhiteSpace(o.ConnectionString) || o.TableServiceUri is not null,
                "Storage:ConnectionString (or Storage:TableServiceUri, reached with DefaultAzureCredential) is required when Storage:Provider is AzureStorage.")
            .Validate(o => string.IsNullOrWhiteSpace(o.ConnectionString) || o.TableServiceUri is null,
                "Set Storage:ConnectionString or Storage:TableServiceUri, not both.")
            .Validate(o => o.TableServiceUri is null || o.TableServiceUri is { IsAbsoluteUri: true, Scheme: "https" or "http" },
                "Storage:TableServiceUri must be an absolute http(s) URI such as https://ACCOUNT.table.core.windows.net.")
            .ValidateOnStart();
        builder.Services.AddOptions<ClusterHostOptions>().BindConfiguration(ClusterHostOptions.Section).ValidateDataAnnotations()
            .Validate(o => string.IsNullOrWhiteSpace(o.ListenAddress) || IPAddress.TryParse(o.ListenAddress, out _),
                "Cluster:ListenAddress must be an IP address (such as 10.0.0.5, or 0.0.0.0 for every interface).")
            .Validate(o => o.ResponseTimeout > o.DeathDetection,
                "Cluster:ResponseTimeout must exceed Cluster:ProbeTimeout × Cluster:MissedProbesLimit, so that calls to a dead host fail over when it is declared dead rather than time out.")
            .ValidateOnStart();

        var storage = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        var cluster = builder.Configuration.GetSection(ClusterHostOptions.Section).Get<ClusterHostOptions>() ?? new ClusterHostOptions();
        if (storage.Provider is null)
        {
            throw new OptionsValidationException(StorageOptions.Section, typeof(StorageOptions),
                ["Storage:Provider must be set to AzureStorage or Memory (no storage is chosen silently)."]);
        }

        // A stop is bounded (Program exits at Cluster:ShutdownTimeout); the graceful part gets four fifths of it.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = cluster.ShutdownTimeout * 0.8);
        builder.Services.AddCommunityGrains();
        if (storage.Provider == StorageProvider.Memory)
        {
            builder.Services.AddSingleton<ILogStoreFactory, MemoryLogStoreFactory>();
        }
        else
        {
            var tables = CreateTableClient(storage);
            builder.Services.AddSingleton(tables);
            builder.Services.AddSingleton<ILogStoreFactory>(new AzureTableLogStoreFactory(tables, storage.TablePrefix));
        }

        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            // One trace per request: grain calls continue the caller's trace (traceparent in the request context).
            silo.AddActivityPropagation();
            silo.AddCommunityDashboard(builder.Configuration);
            // The silo listens where it is told (by default where it is advertised), never on every interface unasked;
            // the gateway stays off unless a port is given: nothing of Community uses it, and it would let anyone who
            // reaches it call grains past every check of the API and the hub.
            silo.Configure<EndpointOptions>(o =>
            {
                var advertised = ResolveAdvertised(cluster.AdvertisedHost);
                var listen = string.IsNullOrWhiteSpace(cluster.ListenAddress) ? advertised : IPAddress.Parse(cluster.ListenAddress);
                o.AdvertisedIPAddress = advertised;
                o.SiloPort = cluster.SiloPort;
                o.GatewayPort = cluster.GatewayPort;
                o.SiloListeningEndpoint = new IPEndPoint(listen, cluster.SiloPort);
                o.GatewayListeningEndpoint = cluster.GatewayPort == 0 ? null : new IPEndPoint(listen, cluster.GatewayPort);
            });
            // Fast failover (see ClusterHostOptions): a killed host is declared dead in about ProbeTimeout × MissedProbesLimit,
            // which fails the calls waiting on it at once; retried writes then succeed on a live host.
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = cluster.ProbeTimeout;
                o.NumMissedProbesLimit = cluster.MissedProbesLimit;
            });
            silo.Configure<SiloMessagingOptions>(o =>
            {
                o.ResponseTimeout = cluster.ResponseTimeout;
                // Silo-internal calls (directory lookups while a dead host's grains are placed elsewhere) give up soon after
                // the host is declared dead: with Orleans' 30 s default a write caught behind one waited out its whole
                // ResponseTimeout (measured: 10 s), with this one the slowest write across a kill took 1.7 s.
                o.SystemResponseTimeout = cluster.DeathDetection + TimeSpan.FromSeconds(1);
            });

            if (storage.Provider == StorageProvider.Memory)
            {
                silo.UseDevelopmentClustering(new IPEndPoint(ResolveAdvertised(cluster.AdvertisedHost), cluster.SiloPort));
                silo.AddMemoryGrainStorage(GrainStorage.ProviderName);
                return;
            }

            var tables = CreateTableClient(storage);
            silo.UseAzureStorageClustering(o =>
            {
                o.TableServiceClient = tables;
                o.TableName = storage.TablePrefix + "membership";
            });
            silo.AddAzureTableGrainStorage(GrainStorage.ProviderName, o =>
            {
                o.TableServiceClient = tables;
                o.TableName = storage.TablePrefix + "grainstate";
                o.GrainStorageSerializer = GrainStateSerializer;
            });
        });

        return builder;
    }

    public static TableServiceClient CreateTableClient(StorageOptions storage)
    {
        var options = new TableClientOptions();
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(100);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        options.Retry.NetworkTimeout = storage.Timeout;
        // Many storage accounts forbid shared keys: then the host signs in as itself (managed identity, workload
        // identity, or the developer's Azure CLI login) and needs the "Storage Table Data Contributor" role.
        return string.IsNullOrWhiteSpace(storage.ConnectionString) && storage.TableServiceUri is { } uri
            ? new TableServiceClient(uri, new DefaultAzureCredential(), options)
            : new TableServiceClient(storage.ConnectionString, options);
    }

    private static IPAddress ResolveAdvertised(string? host)
    {
        if (string.IsNullOrWhiteSpace(host))
        {
            return IPAddress.Loopback;
        }

        if (IPAddress.TryParse(host, out var address))
        {
            return address;
        }

        return Dns.GetHostAddresses(host).First(a => a.AddressFamily == AddressFamily.InterNetwork);
    }
}
