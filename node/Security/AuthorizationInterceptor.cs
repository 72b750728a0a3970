using Grpc.Core;
using Grpc.Core.Interceptors;
using SecretFleet.Core.Rpc;
using SecretFleet.Node.Epochs;

namespace SecretFleet.Node.Security;

/// <summary>
/// Applies <see cref="CallAuthorization"/> to every call before its service runs, and turns the
/// participant's "not meant for you" (a Deal or FetchRecovered for another node) into the same
/// audited PERMISSION_DENIED. Services never check identities themselves.
/// </summary>
internal sealed class AuthorizationInterceptor(CallAuthorization authorization) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var caller = Authorize(context);
        try
        {
            return await continuation(request, context).ConfigureAwait(false);
        }
        catch (OperationRejectedException e) when (e.Reason == OperationRejection.PermissionDenied)
        {
            throw authorization.Deny(context.MethodName(), caller, e.Message);
        }
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authorize(context);
        return continuation(request, responseStream, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authorize(context);
        return continuation(requestStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authorize(context);
        return continuation(requestStream, responseStream, context);
    }

    private Core.Identity.FleetIdentity? Authorize(ServerCallContext context)
    {
        var caller = context.GetFleetPeer();
        return authorization.Check(context.MethodName(), caller) is { } refusal ? throw refusal : caller;
    }
}
