using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Google.Protobuf;

namespace SecretFleet.Core.Rpc;

/// <summary>
/// One client call: sends the request, reads response frames one by one, then the status from
/// the trailers (or from the headers for a Trailers-Only response). Every failure surfaces as
/// <see cref="RpcException"/>, except cancellation by the caller's own token, which surfaces as
/// <see cref="OperationCanceledException"/> like any other .NET cancellation.
/// </summary>
internal sealed class RpcClientCall<TResponse> : IAsyncDisposable
    where TResponse : IMessage<TResponse>
{
    private readonly HttpClient http;
    private readonly RpcChannelOptions options;
    private readonly MessageParser<TResponse> parser;
    private readonly string method;
    private readonly TimeSpan timeout;
    private readonly CancellationToken callerToken;
    private readonly CancellationTokenSource? deadline;
    private readonly CancellationTokenSource linked;
    private readonly byte[] header = new byte[GrpcProtocol.FrameHeaderLength];
    private HttpResponseMessage? response;
    private Stream? body;
    private bool finished;

    public RpcClientCall(HttpClient http, RpcChannelOptions options, string method, MessageParser<TResponse> parser, RpcCallOptions callOptions, CancellationToken cancellationToken)
    {
        this.http = http;
        this.options = options;
        this.parser = parser;
        this.method = method;
        timeout = callOptions.Timeout;
        callerToken = cancellationToken;
        deadline = timeout != Timeout.InfiniteTimeSpan && timeout < TimeSpan.FromDays(49)
            ? new CancellationTokenSource(timeout, options.TimeProvider)
            : null;
        linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline?.Token ?? CancellationToken.None);
    }

    public async Task StartAsync(IMessage request)
    {
        var size = request.CalculateSize();
        if (size > options.MaxSendMessageBytes)
        {
            throw new RpcException(RpcStatusCode.ResourceExhausted, $"The request message of {size} bytes exceeds the client's send limit of {options.MaxSendMessageBytes} bytes.");
        }

        var payload = new byte[GrpcProtocol.FrameHeaderLength + size];
        GrpcProtocol.WriteFrameHeader(payload, size);
        request.WriteTo(payload.AsSpan(GrpcProtocol.FrameHeaderLength));
        using var message = CreateRequest(payload);
        try
        {
            response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            ReadResponseHeaders(response);
            if (!finished)
            {
                body = await response.Content.ReadAsStreamAsync(linked.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (Translate(e) is { } translated)
        {
            throw translated;
        }
        finally
        {
            // The serialized request may hold a share (Put) or sub-shares; the response headers
            // arrive only after the server read it, so it is not needed any more.
            CryptographicOperations.ZeroMemory(payload);
        }
    }

    /// <summary>The next response message, or null after the last one (the status was OK).</summary>
    public async ValueTask<TResponse?> ReadMessageAsync()
    {
        if (finished)
        {
            return default;
        }

        try
        {
            var read = await body!.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, linked.Token).ConfigureAwait(false);
            if (read == 0)
            {
                finished = true;
                ThrowIfNotOk(response!.TrailingHeaders, "trailers");
                return default;
            }

            if (read < header.Length)
            {
                throw new RpcException(RpcStatusCode.Internal, "The response ended in the middle of a message header.");
            }

            if (header[0] != 0)
            {
                throw new RpcException(RpcStatusCode.Internal, "The server sent a compressed message although this client accepts only identity encoding.");
            }

            var length = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1));
            if (length > (uint)options.MaxReceiveMessageBytes)
            {
                throw new RpcException(RpcStatusCode.ResourceExhausted, $"The response message of {length} bytes exceeds the client's receive limit of {options.MaxReceiveMessageBytes} bytes.");
            }

            var buffer = ArrayPool<byte>.Shared.Rent((int)length);
            try
            {
                await body.ReadExactlyAsync(buffer.AsMemory(0, (int)length), linked.Token).ConfigureAwait(false);
                return parser.ParseFrom(buffer, 0, (int)length);
            }
            finally
            {
                // Pooled buffers outlive the call: a response may have carried shares or sub-shares.
                ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
            }
        }
        catch (Exception e) when (Translate(e) is { } translated)
        {
            finished = true;
            throw translated;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Disposing an unfinished response resets the HTTP/2 stream (RST_STREAM CANCEL), which
        // the server sees as the caller leaving: its handler's token fires.
        if (body is not null)
        {
            await body.DisposeAsync().ConfigureAwait(false);
        }

        response?.Dispose();
        linked.Dispose();
        deadline?.Dispose();
    }

    private HttpRequestMessage CreateRequest(byte[] payload)
    {
        var content = new ByteArrayContent(payload);
        content.Headers.TryAddWithoutValidation("Content-Type", GrpcProtocol.ContentType);
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(options.Address, method))
        {
            // Without these SendAsync speaks HTTP/1.1 whatever the client's defaults say.
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        var headers = request.Headers;
        headers.TryAddWithoutValidation("TE", "trailers");
        if (deadline is not null)
        {
            headers.TryAddWithoutValidation(GrpcProtocol.TimeoutHeader, GrpcTimeout.Format(timeout));
        }

        headers.TryAddWithoutValidation(GrpcProtocol.AcceptEncodingHeader, GrpcProtocol.IdentityEncoding);
        headers.TryAddWithoutValidation("User-Agent", "grpc-dotnet-secretfleet/1.0");
        if (options.TlsServerName is { } name)
        {
            // SocketsHttpHandler takes SNI and the name it verifies from the Host header.
            headers.Host = name;
        }

        return request;
    }

    private void ReadResponseHeaders(HttpResponseMessage message)
    {
        if (message.StatusCode != HttpStatusCode.OK)
        {
            var code = (int)message.StatusCode;
            throw new RpcException(FromHttpStatus(code), $"The server answered HTTP {code} ({message.ReasonPhrase}) instead of a gRPC response.");
        }

        if (message.Headers.Contains(GrpcProtocol.StatusHeader))
        {
            // Trailers-Only: the status came with the headers and there is no body.
            finished = true;
            ThrowIfNotOk(message.Headers, "headers");
            return;
        }

        var contentType = message.Content.Headers.ContentType?.MediaType;
        if (!GrpcProtocol.IsGrpcContentType(contentType))
        {
            throw new RpcException(RpcStatusCode.Unknown, $"The server answered content-type '{contentType}', not application/grpc.");
        }
    }

    private static void ThrowIfNotOk(HttpHeaders headers, string where)
    {
        if (!headers.TryGetValues(GrpcProtocol.StatusHeader, out var statusValues))
        {
            throw new RpcException(RpcStatusCode.Internal, $"The server ended the call without a grpc-status in its {where}.");
        }

        var text = statusValues.FirstOrDefault();
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || !Enum.IsDefined((RpcStatusCode)value))
        {
            throw new RpcException(RpcStatusCode.Unknown, $"The server sent an unparsable grpc-status '{text}'.");
        }

        var code = (RpcStatusCode)value;
        if (code == RpcStatusCode.Ok)
        {
            return;
        }

        var detail = headers.TryGetValues(GrpcProtocol.MessageHeader, out var messages)
            ? GrpcStatusMessage.Decode(string.Join(',', messages))
            : string.Empty;
        throw new RpcException(code, detail);
    }

    /// <summary>The gRPC code for a non-200 HTTP status (gRPC's http-grpc-status-mapping).</summary>
    private static RpcStatusCode FromHttpStatus(int status) => status switch
    {
        400 => RpcStatusCode.Internal,
        401 => RpcStatusCode.Unauthenticated,
        403 => RpcStatusCode.PermissionDenied,
        404 => RpcStatusCode.Unimplemented,
        429 or 502 or 503 or 504 => RpcStatusCode.Unavailable,
        _ => RpcStatusCode.Unknown,
    };

    private Exception? Translate(Exception e)
    {
        if (e is RpcException)
        {
            return null; // already what the caller should see
        }

        if (callerToken.IsCancellationRequested)
        {
            return new OperationCanceledException("The call was cancelled by the caller.", e, callerToken);
        }

        if (deadline?.IsCancellationRequested == true)
        {
            return new RpcException(RpcStatusCode.DeadlineExceeded, $"The deadline of {timeout} passed before {method} completed.", e);
        }

        return e switch
        {
            InvalidProtocolBufferException => new RpcException(RpcStatusCode.Internal, $"The response of {method} is not a valid {typeof(TResponse).Name} message.", e),
            HttpProtocolException p => FromStreamReset(p),
            HttpRequestException { InnerException: HttpProtocolException p } => FromStreamReset(p),
            HttpRequestException h => new RpcException(RpcStatusCode.Unavailable, $"Cannot reach {options.Address}: {h.Message}", h),
            IOException io => new RpcException(RpcStatusCode.Unavailable, $"The connection to {options.Address} broke during {method}: {io.Message}", io),
            OperationCanceledException => new RpcException(RpcStatusCode.Unavailable, $"The connection to {options.Address} timed out or closed.", e),
            _ => null,
        };
    }

    /// <summary>RST_STREAM and GOAWAY codes, mapped as PROTOCOL-HTTP2.md says.</summary>
    private RpcException FromStreamReset(HttpProtocolException e) => e.ErrorCode switch
    {
        0x7 => new RpcException(RpcStatusCode.Unavailable, $"The server refused the stream for {method}; it did not process it.", e),
        0x8 => new RpcException(RpcStatusCode.Cancelled, $"The server cancelled {method}.", e),
        0xb => new RpcException(RpcStatusCode.ResourceExhausted, $"The server asked to slow down (ENHANCE_YOUR_CALM) during {method}.", e),
        0xc => new RpcException(RpcStatusCode.PermissionDenied, $"The server found the transport not secure enough for {method}.", e),
        _ => new RpcException(RpcStatusCode.Internal, $"The server reset the stream of {method} (HTTP/2 error 0x{e.ErrorCode:x}).", e),
    };
}
