using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SecretFleet.Node.Epochs;

namespace SecretFleet.Node.Hosting;

/// <summary>The node process from arguments to exit code: build, start, print the ready line, serve until SIGTERM, stop gracefully.</summary>
internal static class NodeProgram
{
    private const int Stopped = 0, BadConfiguration = 2;

    /// <summary>
    /// Runs a node; errors start with <c>program</c>. Only the test-only adversary build passes
    /// <c>addTestServices</c> (to register an <see cref="IDealerTamper"/>).
    /// </summary>
    public static async Task<int> RunAsync(string[] args, string program, Action<IServiceCollection>? addTestServices = null)
    {
        if (args is ["--help"] or ["-h"])
        {
            Console.WriteLine(NodeFlags.Usage);
            return Stopped;
        }

        WebApplication host;
        try
        {
            host = await NodeHostBuilder.BuildAsync(args, addTestServices, CancellationToken.None).ConfigureAwait(false);
        }
        catch (NodeConfigurationException e)
        {
            await Console.Error.WriteLineAsync($"{program}: {e.Message}").ConfigureAwait(false);
            return BadConfiguration;
        }

        await using (host.ConfigureAwait(false))
        {
            await host.StartAsync().ConfigureAwait(false);
            var endpoints = host.Services.GetRequiredService<NodeEndpoints>();
            var x = host.Services.GetRequiredService<NodeOptions>().X;

            // One machine-readable line: launchers and tests wait for it instead of sleeping.
            Console.WriteLine($"secretfleet-node ready x={x} grpc={endpoints.Grpc} http={endpoints.Http}");
            await Console.Out.FlushAsync().ConfigureAwait(false);

            // SIGTERM or Ctrl-C (the host's console lifetime) stops the host: not ready, servers drain
            // in-flight calls within HostOptions.ShutdownTimeout, then the container closes the store.
            await host.WaitForShutdownAsync().ConfigureAwait(false);
        }

        return Stopped;
    }
}
