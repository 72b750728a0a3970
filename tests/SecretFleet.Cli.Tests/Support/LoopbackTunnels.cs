using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using SecretFleet.Cli.Kubernetes;

namespace SecretFleet.Cli.Tests.Support;

/// <summary>
/// Stands in for the API server's port-forwarding: a tunnel to pod NAME is a TCP connection to the loopback
/// port <paramref name="ports"/> gives for it. Records what was opened and counts what is still open.
/// </summary>
internal sealed class LoopbackTunnels(Func<string, int?> ports) : IPodTunnels
{
    private int _open;

    public ConcurrentQueue<string> Opened { get; } = new();

    public int Open => Volatile.Read(ref _open);

    public async Task<PodTunnel> OpenAsync(string @namespace, string pod, int port, CancellationToken cancellationToken)
    {
        Opened.Enqueue($"{@namespace}/{pod}:{port}");
        var target = ports(pod) ?? throw new InvalidOperationException($"pods \"{pod}\" not found");
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, target, cancellationToken);
        Interlocked.Increment(ref _open);
        return new PodTunnel(client.GetStream(), new Closed(client, this));
    }

    private sealed class Closed(TcpClient client, LoopbackTunnels owner) : IDisposable
    {
        public void Dispose()
        {
            client.Dispose();
            Interlocked.Decrement(ref owner._open);
        }
    }
}
