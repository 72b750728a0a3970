using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using SecretFleet.Core.Identity;

namespace SecretFleet.Core.Rpc;

/// <summary>
/// Runs one server call from request headers to status: protocol checks, deadline,
/// authorization, the request message, the handler, the status, the metrics.
/// </summary>
internal sealed class RpcServerDispatcher(RpcServerOptions options, RpcServerMetrics metrics, TimeProvider time, ILogger<RpcServerDispatcher> logger)
{
    // CancellationTokenSource timers accept at most ~49.7 days; longer deadlines are as good as none.
    private static readonly TimeSpan LongestTimer = TimeSpan.FromDays(49);

    public delegate Task Invoker<in TRequest>(TRequest request, RpcContext context, RpcServerCall call);

    public async Task DispatchAsync<TRequest>(HttpContext http, RpcMethodInfo method, MessageParser<TRequest> parser, Invoker<TRequest> invoke)
        where TRequest : IMessage<TRequest>
    {
        var started = time.GetTimestamp();
        var code = RpcStatusCode.Unknown;
        try
        {
            code = await RunAsync(http, method, parser, invoke).ConfigureAwait(false);
        }
        finally
        {
            metrics.CallCompleted(method.FullName, code, time.GetElapsedTime(started));
        }
    }

    /// <summary>Answers a POST to a path no method is mapped to.</summary>
    public async Task UnimplementedAsync(HttpContext http)
    {
        var started = time.GetTimestamp();
        var code = RpcStatusCode.Unimplemented;
        try
        {
            if (RefuseNonGrpc(http) is { } refusal)
            {
                code = refusal;
                return;
            }

            using var call = new RpcServerCall(http, options.MaxSendMessageBytes);
            await call.CompleteAsync(code, $"Method {http.Request.Path} is not implemented by this server.").ConfigureAwait(false);
        }
        finally
        {
            metrics.CallCompleted(RpcMetricNames.UnknownMethod, code, time.GetElapsedTime(started));
        }
    }

    private async Task<RpcStatusCode> RunAsync<TRequest>(HttpContext http, RpcMethodInfo method, MessageParser<TRequest> parser, Invoker<TRequest> invoke)
        where TRequest : IMessage<TRequest>
    {
        if (RefuseNonGrpc(http) is { } refusal)
        {
            return refusal;
        }

        using var call = new RpcServerCall(http, options.MaxSendMessageBytes);
        var peer = PeerIdentity.Of(http);
        if (CheckHeaders(http, out var timeout) is { } headerFault)
        {
            return await RefuseAsync(call, method, peer, headerFault.Code, headerFault.Detail).ConfigureAwait(false);
        }

        if (Authorize(method, peer) is { } denial)
        {
            return await RefuseAsync(call, method, peer, denial.Code, denial.Detail).ConfigureAwait(false);
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            // Our own frame limit applies; Kestrel's 30 MB default must not cut in first.
            bodyLimit.MaxRequestBodySize = null;
        }

        using var deadlineSource = timeout is { } t && t < LongestTimer ? new CancellationTokenSource(t, time) : null;
        using var callSource = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, deadlineSource?.Token ?? CancellationToken.None);
        var context = new RpcContext(method.FullName, peer, timeout is { } d ? time.GetUtcNow() + d : null, http, callSource.Token);

        Task? handler = null;
        RpcStatusCode code;
        string? detail = null;
        try
        {
            var request = await GrpcRequestReader.ReadSingleAsync(http.Request.BodyReader, parser, options.MaxReceiveMessageBytes, callSource.Token)
                .ConfigureAwait(false);
            handler = invoke(request, context, call);
            await handler.WaitAsync(callSource.Token).ConfigureAwait(false);
            code = RpcStatusCode.Ok;
        }
        catch (RpcException e)
        {
            (code, detail) = (e.StatusCode, e.Detail);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && callSource.IsCancellationRequested)
        {
            (code, detail) = http.RequestAborted.IsCancellationRequested
                ? (RpcStatusCode.Cancelled, "The caller cancelled the call.")
                : (RpcStatusCode.DeadlineExceeded, $"The deadline of {timeout} passed.");
        }
        catch (Exception e) when (handler is null && e is BadHttpRequestException or IOException)
        {
            // The request stream broke (reset, protocol error) before a message was read.
            RpcLog.RequestUnreadable(logger, method.FullName, e.GetType().Name);
            (code, detail) = (RpcStatusCode.Internal, "The request stream could not be read.");
        }
        catch (Exception e) when (handler is not null)
        {
            RpcLog.HandlerFailed(logger, method.FullName, e);
            (code, detail) = (RpcStatusCode.Unknown, "Exception was thrown by handler.");
        }

        if (code != RpcStatusCode.Ok)
        {
            RpcLog.CallFailed(logger, method.FullName, code.ToWireName(), detail ?? string.Empty);
        }

        if (!http.RequestAborted.IsCancellationRequested)
        {
            await call.CompleteAsync(code, detail).ConfigureAwait(false);
        }

        await ObserveHandlerAsync(handler, method, code).ConfigureAwait(false);
        return code;
    }

    /// <summary>
    /// A handler that ignores its token may still run after the status went out. The HttpContext
    /// must outlive it, so the call waits for it (after the caller already has its answer).
    /// </summary>
    private async Task ObserveHandlerAsync(Task? handler, RpcMethodInfo method, RpcStatusCode code)
    {
        if (handler is null)
        {
            return;
        }

        if (handler.IsCompleted)
        {
            _ = handler.Exception; // observed: it was reported above, or raced with the status
            return;
        }

        RpcLog.HandlerOutlivedCall(logger, method.FullName, code.ToWireName());
        try
        {
            await handler.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or RpcException)
        {
            // Expected for a handler that noticed the cancellation late.
        }
        catch (Exception e)
        {
            RpcLog.HandlerFailed(logger, method.FullName, e);
        }
    }

    private async Task<RpcStatusCode> RefuseAsync(RpcServerCall call, RpcMethodInfo method, FleetIdentity? peer, RpcStatusCode code, string detail)
    {
        RpcLog.CallRefused(logger, method.FullName, peer?.ToString() ?? "(no identity)", code.ToWireName(), detail);
        await call.CompleteAsync(code, detail).ConfigureAwait(false);
        return code;
    }

    /// <summary>
    /// Requests that are not gRPC at all get a plain HTTP 415, as the spec asks, so an HTTP
    /// client cannot mistake a gRPC error (HTTP 200) for success. Returns the code to count.
    /// </summary>
    private static RpcStatusCode? RefuseNonGrpc(HttpContext http)
    {
        if (GrpcProtocol.IsGrpcContentType(http.Request.ContentType))
        {
            return null;
        }

        http.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
        return RpcStatusCode.InvalidArgument;
    }

    private static (RpcStatusCode Code, string Detail)? CheckHeaders(HttpContext http, out TimeSpan? timeout)
    {
        timeout = null;
        var headers = http.Request.Headers;
        if (!HttpProtocol.IsHttp2(http.Request.Protocol) && !HttpProtocol.IsHttp3(http.Request.Protocol))
        {
            return (RpcStatusCode.Internal, $"gRPC requires HTTP/2; this request came over {http.Request.Protocol}.");
        }

        if (!GrpcProtocol.IsSupportedContentType(http.Request.ContentType))
        {
            return (RpcStatusCode.Unimplemented, $"Content-type '{http.Request.ContentType}' is not supported; send application/grpc (protobuf).");
        }

        var encoding = headers[GrpcProtocol.EncodingHeader].ToString();
        if (encoding.Length > 0 && !encoding.Equals(GrpcProtocol.IdentityEncoding, StringComparison.OrdinalIgnoreCase))
        {
            http.Response.Headers[GrpcProtocol.AcceptEncodingHeader] = GrpcProtocol.IdentityEncoding;
            return (RpcStatusCode.Unimplemented, $"grpc-encoding '{encoding}' is not supported; this server accepts only uncompressed messages.");
        }

        var timeoutHeader = headers[GrpcProtocol.TimeoutHeader].ToString();
        if (timeoutHeader.Length > 0)
        {
            if (!GrpcTimeout.TryParse(timeoutHeader, out var parsed))
            {
                return (RpcStatusCode.Internal, $"Malformed grpc-timeout '{timeoutHeader}'.");
            }

            timeout = parsed;
        }

        return null;
    }

    private (RpcStatusCode Code, string Detail)? Authorize(RpcMethodInfo method, FleetIdentity? peer)
    {
        if (peer is not null && options.TrustDomain is { } trustDomain && peer.TrustDomain != trustDomain)
        {
            return (RpcStatusCode.PermissionDenied, $"Identity {peer} is not in trust domain {trustDomain}.");
        }

        if (method.RequiredRole is not { } role)
        {
            return null;
        }

        if (peer is null)
        {
            return (RpcStatusCode.Unauthenticated, $"{method.FullName} requires a client certificate with a spiffe:// identity of role {FleetIdentity.RoleSegment(role)}.");
        }

        return peer.Role == role
            ? null
            : (RpcStatusCode.PermissionDenied, $"{method.FullName} is for role {FleetIdentity.RoleSegment(role)}; {peer} has role {FleetIdentity.RoleSegment(peer.Role)}.");
    }
}
