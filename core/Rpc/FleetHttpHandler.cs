using System.Security.Authentication;

namespace SecretFleet.Core.Rpc;

/// <summary>
/// What sits between grpc-dotnet and SocketsHttpHandler on a fleet channel.
/// <list type="bullet">
/// <item>The <c>:authority</c>, when the name we verify differs from the address we dial: we dial
/// <c>10.42.0.7</c> but verify <c>demo-0.demo-nodes.ns.svc</c>. SocketsHttpHandler takes the TLS
/// target host (SNI and the name the certificate must be valid for) from the request's Host, not
/// from <c>SslOptions.TargetHost</c>, so the Host must carry that name.</item>
/// <item>A refused TLS handshake (wrong CA, wrong name, wrong identity), or a connection the
/// server closed before HTTP/2 started (how TLS 1.3 servers often refuse a client certificate),
/// is UNAVAILABLE for the caller, as for any server it cannot reach; grpc-dotnet would say
/// INTERNAL, and the client's quorum logic treats INTERNAL as a node that answered wrongly.</item>
/// <item>The request message is sent as one buffer of known length with the headers, as the
/// hand-written layer did, instead of grpc-dotnet's push content: SocketsHttpHandler treats a push
/// content as duplex and flushes the HEADERS frame on its own, so every call cost the server an
/// extra read and wake-up (measured: docs/benchmarks.md). Fleet channels carry unary and
/// server-streaming calls only, whose single request message is complete before it is sent.</item>
/// <item>Share-bearing bytes zeroed: grpc-dotnet serializes a request into a buffer it rents
/// from <see cref="System.Buffers.ArrayPool{T}.Shared"/> and returns uncleared; this handler
/// copies it out and clears it while grpc-dotnet writes it, and clears its own copy once the
/// response headers arrived (the node has read the request by then). It is a fresh array, never
/// pooled, so a node that answers early cannot make another call's bytes go out in its place.
/// Copies in the HTTP/2 and TLS buffers below stay out of reach (docs/threat-model.md).</item>
/// </list>
/// </summary>
internal sealed class FleetHttpHandler(HttpMessageHandler inner, string? authority) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (authority is not null)
        {
            request.Headers.Host = request.RequestUri is { IsDefaultPort: false } uri ? $"{authority}:{uri.Port}" : authority;
        }

        byte[]? body = null;
        if (request.Content is { } content)
        {
            using var collected = new CollectingStream();
            await content.CopyToAsync(collected, cancellationToken).ConfigureAwait(false);
            body = collected.ToArray();
            var buffered = new ByteArrayContent(body);
            foreach (var header in content.Headers.NonValidated)
            {
                if (!header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    buffered.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }
            }
            content.Dispose();
            request.Content = buffered;
        }

        try
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (e.InnerException is AuthenticationException refused)
        {
            throw new HttpRequestException($"The TLS handshake with {request.RequestUri?.Authority} failed: {refused.Message}", new IOException(refused.Message, refused), e.StatusCode);
        }
        catch (HttpRequestException e) when (e.InnerException is not (IOException or System.Net.Sockets.SocketException))
        {
            // With TLS 1.3 the server judges our certificate after our side of the handshake has
            // finished, so a refusal can also arrive as a connection closed before HTTP/2 started.
            throw new HttpRequestException($"No HTTP/2 connection to {request.RequestUri?.Authority}: {e.Message}", new IOException(e.Message, e), e.StatusCode);
        }
        finally
        {
            if (body is not null)
            {
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(body);
            }
        }
    }

    /// <summary>
    /// Collects what grpc-dotnet writes (the 5-byte frame header, then the message) and clears
    /// each written buffer right after copying it, before grpc-dotnet returns it to the pool.
    /// Its own growth buffers are cleared before they are dropped.
    /// </summary>
    private sealed class CollectingStream : Stream
    {
        private byte[] _buffer = new byte[256];
        private int _length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public byte[] ToArray()
        {
            var copy = _buffer.AsSpan(0, _length).ToArray();
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(_buffer);
            return copy;
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (_length + buffer.Length > _buffer.Length)
            {
                var grown = new byte[Math.Max(_buffer.Length * 2, _length + buffer.Length)];
                _buffer.AsSpan(0, _length).CopyTo(grown);
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(_buffer);
                _buffer = grown;
            }

            buffer.CopyTo(_buffer.AsSpan(_length));
            _length += buffer.Length;
            // The sender's buffer (grpc-dotnet's pooled serialization buffer) is done with.
            System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(buffer), buffer.Length).Clear();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(_buffer);
            base.Dispose(disposing);
        }
    }
}
