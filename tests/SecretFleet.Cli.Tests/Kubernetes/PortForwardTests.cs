using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using SecretFleet.Cli.Commands;
using SecretFleet.Cli.Kubernetes;
using SecretFleet.Cli.Tests.Support;

namespace SecretFleet.Cli.Tests.Kubernetes;

[Trait("Category", "Unit")]
public sealed class PortForwardTests
{
    [Fact]
    public async Task Each_local_connection_gets_its_own_tunnel_to_the_pod_port_and_dispose_closes_them_all()
    {
        using var echo = EchoServer.Start();
        var tunnels = new LoopbackTunnels(pod => pod == "demo-1" ? echo.Port : null);
        var forward = await PortForward.StartAsync(tunnels, "vault", "demo-1", 7443, default);

        using var first = await ConnectAsync(forward.LocalPort);
        using var second = await ConnectAsync(forward.LocalPort);
        var payload = RandomNumberGenerator.GetBytes(200_000);
        Assert.Equal(payload, await RoundTripAsync(first, payload));
        Assert.Equal(payload[..10], await RoundTripAsync(second, payload[..10]));
        Assert.Equal(["vault/demo-1:7443", "vault/demo-1:7443", "vault/demo-1:7443"], tunnels.Opened);

        await forward.DisposeAsync();

        Assert.Equal(0, tunnels.Open);
        Assert.Equal(0, await first.GetStream().ReadAsync(new byte[1]));
        await Assert.ThrowsAsync<SocketException>(() => ConnectAsync(forward.LocalPort));
    }

    [Fact]
    public async Task A_tunnel_that_cannot_open_closes_its_connection_and_the_port_keeps_serving()
    {
        using var echo = EchoServer.Start();
        var reachable = true;
        var tunnels = new LoopbackTunnels(_ => Volatile.Read(ref reachable) ? echo.Port : null);
        await using var forward = await PortForward.StartAsync(tunnels, "vault", "demo-0", 7443, default);

        Volatile.Write(ref reachable, false);
        using var refused = await ConnectAsync(forward.LocalPort);
        Assert.Equal(0, await refused.GetStream().ReadAsync(new byte[1]));
        Volatile.Write(ref reachable, true);
        using var served = await ConnectAsync(forward.LocalPort);

        Assert.Equal([1, 2, 3], await RoundTripAsync(served, [1, 2, 3]));
    }

    [Fact]
    public async Task A_pod_that_cannot_be_reached_fails_at_start_with_a_sentence_and_the_exit_code_for_missing_nodes()
    {
        var tunnels = new LoopbackTunnels(_ => null);

        var failure = await Assert.ThrowsAsync<CliException>(() => PortForward.StartAsync(tunnels, "vault", "demo-2", 7443, default));

        Assert.Equal(ExitCodes.NotEnoughNodes, failure.ExitCode);
        Assert.StartsWith("Port-forwarding to pod vault/demo-2 through the API server failed (pods \"demo-2\" not found); check", failure.Message, StringComparison.Ordinal);
    }

    private static async Task<TcpClient> ConnectAsync(int port)
    {
        var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private static async Task<byte[]> RoundTripAsync(TcpClient client, byte[] payload)
    {
        var stream = client.GetStream();
        var writing = stream.WriteAsync(payload).AsTask();
        var back = new byte[payload.Length];
        await stream.ReadExactlyAsync(back);
        await writing;
        return back;
    }

    /// <summary>Writes back whatever each connection sends, until it closes.</summary>
    private sealed class EchoServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public static EchoServer Start()
        {
            var server = new EchoServer();
            server._listener.Start();
            _ = server.AcceptAsync();
            return server;
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    var client = await _listener.AcceptTcpClientAsync();
                    _ = Task.Run(async () =>
                    {
                        using (client)
                        {
                            try
                            {
                                await client.GetStream().CopyToAsync(client.GetStream());
                            }
                            catch (IOException)
                            {
                                // The forward closed the connection.
                            }
                        }
                    });
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Stopped.
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
