using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using Grpc.AspNetCore.Server;
using Grpc.HealthCheck;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SecretFleet.Core.Identity;
using SecretFleet.Core.Rpc;

namespace SecretFleet.Core.Tests.Rpc;

/// <summary>
/// An in-process Kestrel server on a free loopback port, set up as the node sets up its own
/// (<see cref="FleetGrpcServerExtensions"/>): mutual TLS, certificate authentication, the echo
/// service, health and reflection. Captures logs and metrics.
/// </summary>
internal sealed class RpcTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly MeterListener _listener = new();

    private RpcTestServer(WebApplication app, EchoService echo, HealthServiceImpl health, CapturingLoggerProvider logs)
    {
        _app = app;
        Echo = echo;
        Health = health;
        Logs = logs;
    }

    public EchoService Echo { get; }

    public HealthServiceImpl Health { get; }

    public CapturingLoggerProvider Logs { get; }

    public int Port { get; private set; }

    public Uri Address => new($"https://127.0.0.1:{Port}");

    /// <summary>Completed server calls: (method, code) → count.</summary>
    public ConcurrentDictionary<(string Method, string Code), long> Calls { get; } = new();

    /// <summary>Duration measurements by method.</summary>
    public ConcurrentDictionary<string, int> Durations { get; } = new();

    /// <summary>Starts the server; <paramref name="time"/>, when given, is its clock (certificate validity included).</summary>
    public static async Task<RpcTestServer> StartAsync(TlsMaterial material, Action<GrpcServiceOptions>? configure = null, TimeProvider? time = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        var logs = new CapturingLoggerProvider();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(logs);
        var echo = new EchoService();
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        builder.Services.AddFleetGrpc(material, configure);
        builder.Services.AddSingleton(echo);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseFleetTls(material)));
        var app = builder.Build();

        app.UseFleetGrpc();
        app.MapGrpcService<EchoService>();
        app.MapFleetGrpcStandardServices();
        var health = app.Services.GetRequiredService<HealthServiceImpl>();
        health.SetStatus("", Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving);

        var server = new RpcTestServer(app, echo, health, logs);
        server.ListenToMetrics(app.Services.GetRequiredService<IMeterFactory>());
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.Port = new Uri(address).Port;
        return server;
    }

    public GrpcChannel Channel(TlsMaterial material, Action<RpcChannelOptionsBuilder>? configure = null)
    {
        var options = new RpcChannelOptionsBuilder { Address = Address, Tls = material };
        configure?.Invoke(options);
        return FleetChannel.Create(options.Build());
    }

    public long CallCount(string method, string code) => Calls.GetValueOrDefault((method, code));

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private void ListenToMetrics(IMeterFactory factory)
    {
        _listener.InstrumentPublished = (instrument, l) =>
        {
            // Only this server's meter: tests run in parallel, each with its own DI container.
            if (instrument.Meter.Name == RpcMetricNames.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == RpcMetricNames.ServerCalls)
            {
                var method = Tag(tags, RpcMetricNames.MethodTag);
                var code = Tag(tags, RpcMetricNames.CodeTag);
                Calls.AddOrUpdate((method, code), value, (_, old) => old + value);
            }
        });
        _listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) =>
        {
            if (instrument.Name == RpcMetricNames.ServerDuration && instrument.Unit == "s")
            {
                Durations.AddOrUpdate(Tag(tags, RpcMetricNames.MethodTag), 1, (_, old) => old + 1);
            }
        });
        _listener.Start();
    }

    private static string Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == name)
            {
                return tag.Value?.ToString() ?? string.Empty;
            }
        }

        return string.Empty;
    }
}
