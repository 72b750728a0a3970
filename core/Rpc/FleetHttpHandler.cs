using System.Security.Authentication;

namespace SecretFleet.Core.Rpc;

/// <summary>
/// What sits between grpc-dotnet and SocketsHttpHandler on a fleet channel.
/// <list type="bullet">
/// <item>The <c>:authority</c>, when the name we verify differs from the address we dial: we dial
/// <c>10.42.0.7</c> but verify <c>demo-0.demo-nodes.ns.svc</c>. SocketsHttpHandler takes the TLS
/// target host (SNI and the name the certificate must be valid for) from the request's Host, not
/// from <c>SslOptions.TargetHost</c>, so the Host must carry that name.</item>
/// <item>A refused TLS handshake (wrong CA, wrong name, wrong identity) is UNAVAILABLE for the
/// caller, as for any server it cannot reach; grpc-dotnet would say INTERNAL, and the client's
/// quorum logic treats INTERNAL as a node that answered wrongly.</item>
/// <item>Zeroing every request message once the HTTP/2 layer has taken it (below).</item>
/// </list>
/// Zeroes every request message once the HTTP/2 layer has taken it. grpc-dotnet serializes a
/// request into a buffer it rents from <see cref="System.Buffers.ArrayPool{T}.Shared"/> and
/// returns uncleared after writing it to the request stream; requests carry shares (Put) and the
/// coordinator's pair lists. The stream below grpc-dotnet is the one place that sees that buffer
/// between the write and its return to the pool, so the wipe happens there: after
/// <c>WriteAsync</c> completed (SocketsHttpHandler copied the bytes into its own frame buffer)
/// and before grpc-dotnet hands the array back. Copies in the HTTP/2 and TLS buffers below stay
/// out of reach (docs/threat-model.md). Fleet channels have no retry or hedging policy, which
/// would send the same buffer again.
/// </summary>
internal sealed class FleetHttpHandler(HttpMessageHandler inner, string? authority) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (authority is not null)
        {
            request.Headers.Host = request.RequestUri is { IsDefaultPort: false } uri ? $"{authority}:{uri.Port}" : authority;
        }

        if (request.Content is { } content)
        {
            request.Content = new WipingContent(content);
        }

        try
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (e.InnerException is AuthenticationException refused)
        {
            throw new HttpRequestException($"The TLS handshake with {request.RequestUri?.Authority} failed: {refused.Message}", new IOException(refused.Message, refused), e.StatusCode);
        }
    }

    private sealed class WipingContent : HttpContent
    {
        private readonly HttpContent _inner;

        public WipingContent(HttpContent inner)
        {
            _inner = inner;
            foreach (var header in inner.Headers.NonValidated)
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context, CancellationToken cancellationToken) =>
            _inner.CopyToAsync(new WipingStream(stream), context, cancellationToken);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    private sealed class WipingStream(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                // The sender is done with these bytes once the write returned (or failed).
                System.Runtime.InteropServices.MemoryMarshal.AsMemory(buffer).Span.Clear();
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count)
        {
            try
            {
                inner.Write(buffer, offset, count);
            }
            finally
            {
                Array.Clear(buffer, offset, count);
            }
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
