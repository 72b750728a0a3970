using System.Globalization;
using System.Net;
using System.Net.Sockets;
using SecretFleet.Cli.Commands;

namespace SecretFleet.Cli.Kubernetes;

/// <summary>
/// A local port on 127.0.0.1 forwarded to port 7443 of one node pod through the API server, like
/// <c>kubectl port-forward</c> but in process: each accepted connection gets its own tunnel. TLS stays
/// end to end: the CLI dials 127.0.0.1:PORT and still verifies the pod's TLS name. Disposing closes
/// the port and every tunnel.
/// </summary>
internal sealed class PortForward : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IPodTunnels _tunnels;
    private readonly string _namespace;
    private readonly string _pod;
    private readonly int _port;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Task _accepting;

    private PortForward(TcpListener listener, IPodTunnels tunnels, string @namespace, string pod, int port)
    {
        _listener = listener;
        _tunnels = tunnels;
        _namespace = @namespace;
        _pod = pod;
        _port = port;
        _accepting = AcceptAsync();
    }

    public int LocalPort => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public Uri Endpoint => new($"https://127.0.0.1:{LocalPort.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>
    /// Opens one tunnel first, so that a pod that cannot be reached, or a user who may not port-forward,
    /// gets a sentence now rather than timeouts later; then listens.
    /// </summary>
    public static async Task<PortForward> StartAsync(IPodTunnels tunnels, string @namespace, string pod, int port, CancellationToken cancellationToken)
    {
        try
        {
            using var probe = await tunnels.OpenAsync(@namespace, pod, port, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw CliException.NotEnoughNodes(
                $"Port-forwarding to pod {@namespace}/{pod} through the API server failed ({e.Message.TrimEnd('.')}); check that the pod runs and that you may create pods/portforward in namespace {@namespace}, or use --connect direct from inside the cluster network.");
        }

        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return new PortForward(listener, tunnels, @namespace, pod, port);
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket local;
            try
            {
                local = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            lock (_connections)
            {
                _connections.RemoveAll(c => c.IsCompleted);
                _connections.Add(ForwardAsync(local));
            }
        }
    }

    // A tunnel that cannot open closes the local connection: the caller sees the node as unreachable.
    // Once either direction ends, both ends are closed, which also ends the other direction's read.
    private async Task ForwardAsync(Socket local)
    {
        var connection = new NetworkStream(local, ownsSocket: true);
        PodTunnel? tunnel = null;
        try
        {
            tunnel = await _tunnels.OpenAsync(_namespace, _pod, _port, _stop.Token).ConfigureAwait(false);
            var outbound = CopyAsync(connection, tunnel.Stream, _stop.Token);
            var inbound = CopyAsync(tunnel.Stream, connection, _stop.Token);
            await Task.WhenAny(outbound, inbound).ConfigureAwait(false);
            tunnel.Dispose();
            await connection.DisposeAsync().ConfigureAwait(false);
            await Task.WhenAll(outbound, inbound).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Opening the tunnel failed, or the connection ended badly; either way it is closed below.
        }
        finally
        {
            tunnel?.Dispose();
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task CopyAsync(Stream from, Stream to, CancellationToken cancellationToken)
    {
        try
        {
            await from.CopyToAsync(to, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or System.Net.WebSockets.WebSocketException)
        {
            // Either end went away; the connection is over.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        await _accepting.ConfigureAwait(false);
        Task[] open;
        lock (_connections)
        {
            open = [.. _connections];
        }
        await Task.WhenAll(open).ConfigureAwait(false);
        _listener.Dispose();
        _stop.Dispose();
    }
}
