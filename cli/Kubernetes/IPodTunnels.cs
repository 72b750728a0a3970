namespace SecretFleet.Cli.Kubernetes;

/// <summary>Opens TCP connections to a port of a pod through the API server (<c>pods/portforward</c>).</summary>
internal interface IPodTunnels
{
    /// <summary>One connection to <paramref name="port"/> of pod <paramref name="pod"/>; disposing it closes the connection.</summary>
    Task<PodTunnel> OpenAsync(string @namespace, string pod, int port, CancellationToken cancellationToken);
}

/// <summary>A byte stream to a pod's port, and whatever carries it.</summary>
internal sealed class PodTunnel(Stream stream, IDisposable? carrier = null) : IDisposable
{
    private int _disposed;

    public Stream Stream => stream;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            stream.Dispose();
            carrier?.Dispose();
        }
    }
}
