using System.Runtime.InteropServices;
using k8s;

namespace SecretFleet.Cli.Kubernetes;

/// <summary>
/// Port-forwarding through the official client: one WebSocket (<c>v4.channel.k8s.io</c>) per connection, with
/// the user's kubeconfig credentials. The pod's port speaks on channel 0.
/// </summary>
internal sealed class ApiServerTunnels(IKubernetes client) : IPodTunnels
{
    private const string Protocol = "v4.channel.k8s.io";
    private const byte DataChannel = 0;

    public async Task<PodTunnel> OpenAsync(string @namespace, string pod, int port, CancellationToken cancellationToken)
    {
        var socket = await client.WebSocketNamespacedPodPortForwardAsync(pod, @namespace, [port], Protocol, cancellationToken: cancellationToken).ConfigureAwait(false);
        var demuxer = new StreamDemuxer(socket, StreamType.PortForward, ownsSocket: true);
        demuxer.Start();
        return new PodTunnel(new DuplexStream(demuxer, demuxer.GetStream((byte?)DataChannel, null)), demuxer);
    }

    /// <summary>
    /// The demuxer's channel stream has only blocking reads, and the base class's async wrappers run a read and a
    /// write one at a time, so HTTP/2 (which writes while a read waits) would stall. Reads block a pool thread
    /// each; writes go to the WebSocket asynchronously.
    /// </summary>
    private sealed class DuplexStream(StreamDemuxer demuxer, Stream incoming) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => incoming.Read(buffer, offset, count);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.Run(() => incoming.Read(buffer, offset, count), cancellationToken);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            MemoryMarshal.TryGetArray<byte>(buffer, out var array)
                ? new ValueTask<int>(ReadAsync(array.Array!, array.Offset, array.Count, cancellationToken))
                : base.ReadAsync(buffer, cancellationToken);

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            count == 0 ? Task.CompletedTask : demuxer.Write(DataChannel, buffer, offset, count, cancellationToken);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            MemoryMarshal.TryGetArray(buffer, out var array)
                ? new ValueTask(WriteAsync(array.Array!, array.Offset, array.Count, cancellationToken))
                : new ValueTask(WriteAsync(buffer.ToArray(), 0, buffer.Length, cancellationToken));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                incoming.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
