using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SecretFleet.Core.Identity;
using SecretFleet.Core.Observability;
using SecretFleet.Core.Rpc;
using SecretFleet.Node.Epochs;
using SecretFleet.Node.Observability;
using SecretFleet.Node.Security;
using SecretFleet.Node.Services;
using SecretFleet.Node.Storage;

namespace SecretFleet.Node.Hosting;

/// <summary>
/// Composes a node on the Generic Host: settings from flags and SECRETFLEET_* variables, validated once; the
/// TLS material, node key and share store opened before the container is built (they are I/O, and the gRPC
/// registration needs the TLS material); everything else constructed by the container. The host itself is the
/// mTLS gRPC server; <see cref="NodeProbeServer"/> is the second, plain HTTP server.
/// </summary>
internal static partial class NodeHostBuilder
{
    /// <summary>
    /// Builds a node from its command line; <see cref="NodeProgram"/> runs it, tests may start it in-process.
    /// The test-only adversary build registers its <see cref="IDealerTamper"/> through <c>addTestServices</c>; the shipped binary passes none.
    /// </summary>
    /// <exception cref="NodeConfigurationException">A flag, file or data directory the node cannot start with.</exception>
    public static async Task<WebApplication> BuildAsync(IReadOnlyList<string> args, Action<IServiceCollection>? addTestServices, CancellationToken cancellationToken)
    {
        if (!NodeFlags.All.TryNormalize(args, out var arguments, out var error))
        {
            throw new NodeConfigurationException(error!);
        }

        var builder = WebApplication.CreateSlimBuilder();
        // Only our flags and SECRETFLEET_* variables: no appsettings.json, no ASPNETCORE_URLS.
        builder.Configuration.Sources.Clear();
        NodeFlags.All.AddTo(builder.Configuration, arguments);
        var options = NodeSettings.From(builder.Configuration).ToOptions(Environment.GetEnvironmentVariable("HOSTNAME"));
        ConfigureLogging(builder.Logging, options.LogLevel);

        var time = TimeProvider.System;
        var tls = new RenewableTls(options.TlsDirectory, LoadTls(options));
        ShareStore store;
        try
        {
            store = await ShareStore.OpenAsync(options.DataDirectory, NodeKey.Load(options.KeyFile), options.X, time, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            tls.Dispose();
            throw;
        }

        // Factories rather than instances, so that the container owns and disposes them.
        builder.Services.AddSingleton(_ => tls);
        builder.Services.AddSingleton(_ => store);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(time);
        AddNode(builder.Services, options, tls);
        addTestServices?.Invoke(builder.Services);
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            kestrel.Limits.Http2.MaxStreamsPerConnection = 512;
            var log = kestrel.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("SecretFleet.Node.Tls");
            kestrel.Listen(options.GrpcEndpoint, listen => listen.UseFleetTls(() => tls.Current, log));
        });

        var app = builder.Build();
        app.UseFleetGrpc();
        app.MapGrpcService<SharesService>();
        app.MapGrpcService<RefreshService>();
        app.MapGrpcService<AdminService>();
        app.MapFleetGrpcStandardServices();
        try
        {
            await app.Services.GetRequiredService<EpochParticipant>().InitializeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        if (app.Services.GetService<IDealerTamper>() is { } tamper)
        {
            LogTampered(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SecretFleet.Node"), tamper.GetType().Name);
        }

        return app;
    }

    private static void AddNode(IServiceCollection services, NodeOptions options, RenewableTls tls)
    {
        services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownTimeout);
        // The ready line is what launchers read; the lifetime's "Application started" lines would only add noise.
        services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        // The CA is fixed for the node's life (a renewal that brings another CA is refused).
        services.AddFleetGrpc(tls.Current, grpc =>
        {
            // A Put carries one share; Verify carries the pairs a dealer missed (bounded by the
            // snapshot reconciliation); Deal answers carry a batch of sub-shares.
            grpc.MaxReceiveMessageSize = 8 * 1024 * 1024;
            grpc.MaxSendMessageSize = 64 * 1024 * 1024;
            grpc.Interceptors.Add<AuthorizationInterceptor>();
        });
        services.AddSingleton(sp => new HostMetrics(meterScope: sp.GetRequiredService<IMeterFactory>()));
        services.AddSingleton<StoreStatistics>();
        services.AddHostedService(sp => sp.GetRequiredService<StoreStatistics>());
        services.AddSingleton(sp =>
        {
            var store = sp.GetRequiredService<ShareStore>();
            var statistics = sp.GetRequiredService<StoreStatistics>();
            return new NodeMetrics(() => store.State.Epoch, () => statistics.Latest.Secrets, store.Database.FileBytes, sp.GetRequiredService<IMeterFactory>());
        });
        services.AddSingleton<OperationStore>();
        // The transport reaches the participant lazily: the participant deals its own batches in-process.
        services.AddSingleton(sp => new RpcPeerTransport(tls, options.X, sp.GetRequiredService<EpochParticipant>, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new EpochParticipant(
            () => tls.Current, sp.GetRequiredService<OperationStore>(), sp.GetRequiredService<RpcPeerTransport>(), sp.GetService<IDealerTamper>(),
            sp.GetRequiredService<NodeMetrics>(), sp.GetRequiredService<ILogger<EpochParticipant>>()));
        services.AddSingleton(sp => new CallAuthorization(tls.Current.Identity, options.OperatorName, sp.GetRequiredService<ShareStore>(), sp.GetRequiredService<ILogger<CallAuthorization>>()));
        services.AddSingleton<AuthorizationInterceptor>();
        services.AddSingleton<SharesService>();
        services.AddSingleton<RefreshService>();
        services.AddSingleton<AdminService>();
        services.AddSingleton<NodeServing>();
        services.AddHostedService(sp => new TlsRenewal(tls, options.TlsReloadInterval, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<TlsRenewal>>()));
        services.AddHostedService(sp => sp.GetRequiredService<NodeServing>());
        services.AddSingleton<NodeProbeServer>();
        services.AddHostedService(sp => sp.GetRequiredService<NodeProbeServer>());
        services.AddSingleton<NodeEndpoints>();
    }

    private static void ConfigureLogging(ILoggingBuilder logging, LogLevel level)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss.fff ";
        });
        // ASP.NET Core logs two lines per request at Information; a node serves thousands a second.
        logging.AddFilter("Microsoft", LogLevel.Warning);
        logging.SetMinimumLevel(level);
    }

    private static TlsMaterial LoadTls(NodeOptions options)
    {
        try
        {
            var tls = TlsMaterial.LoadFromDirectory(options.TlsDirectory);
            if (tls.Identity.Role == FleetRole.Node)
            {
                return tls;
            }

            tls.Dispose();
            throw new NodeConfigurationException($"The certificate in '{options.TlsDirectory}' is for {tls.Identity}; a node needs a role-node certificate.");
        }
        catch (TlsMaterialException e)
        {
            throw new NodeConfigurationException(e.Message);
        }
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Warning, Message = "TEST BUILD: this node deals dishonestly on purpose ({Tamper}) and must never hold real secrets")]
    private static partial void LogTampered(ILogger logger, string tamper);
}
