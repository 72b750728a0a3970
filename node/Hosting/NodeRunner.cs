using Microsoft.Extensions.Logging;
using SecretFleet.Node.Epochs;

namespace SecretFleet.Node.Hosting;

/// <summary>The node process from arguments to exit code: parse, start, print the ready line, serve until SIGTERM, stop gracefully.</summary>
internal static class NodeRunner
{
    /// <summary>Runs a node. <paramref name="tamper"/> is for the test-only adversary build; the shipped binary passes none.</summary>
    public static async Task<int> RunAsync(string[] args, string program, IDealerTamper? tamper = null)
    {
        if (args is ["--help"] or ["-h"])
        {
            Console.WriteLine(NodeOptionsParser.Usage);
            return 0;
        }

        // ASP.NET Core logs two lines per request at Information; a node serves thousands a second.
        using var loggers = LoggerFactory.Create(logging => logging
            .AddSimpleConsole(console => { console.SingleLine = true; console.TimestampFormat = "HH:mm:ss.fff "; })
            .AddFilter("Microsoft", LogLevel.Warning)
            .SetMinimumLevel(Environment.GetEnvironmentVariable("SECRETFLEET_LOG_LEVEL") is { } level && Enum.TryParse<LogLevel>(level, true, out var parsed) ? parsed : LogLevel.Information));
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });

        NodeHost host;
        try
        {
            var options = NodeOptionsParser.Parse(args, Environment.GetEnvironmentVariable);
            host = await NodeHost.StartAsync(options, loggers, stop.Token, tamper).ConfigureAwait(false);
        }
        catch (NodeConfigurationException e)
        {
            await Console.Error.WriteLineAsync($"{program}: {e.Message}").ConfigureAwait(false);
            return 2;
        }

        // One machine-readable line: launchers and tests wait for it instead of sleeping.
        Console.WriteLine($"secretfleet-node ready x={host.Store.State.X} grpc={host.GrpcAddress} http={host.HttpAddress}");
        await Console.Out.FlushAsync().ConfigureAwait(false);
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // SIGTERM or Ctrl-C: shut down gracefully below.
        }
        using (var grace = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            await host.StopAsync(grace.Token).ConfigureAwait(false);
        }
        await host.DisposeAsync().ConfigureAwait(false);
        return 0;
    }
}
