using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SecretFleet.Core.Identity;

namespace SecretFleet.Core.Rpc;

/// <summary>
/// Maps gRPC methods onto ASP.NET Core routing (<c>POST /package.Service/Method</c>), so a
/// service reads like an ordinary gRPC service: a handler takes a request and an
/// <see cref="RpcContext"/>, returns a response or throws <see cref="RpcException"/>.
/// </summary>
public static class RpcEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps a unary method. When <paramref name="requiredRole"/> is set, callers without a fleet
    /// identity get UNAUTHENTICATED and callers of another role PERMISSION_DENIED, before the
    /// request is read.
    /// </summary>
    public static IEndpointConventionBuilder MapUnaryRpc<TRequest, TResponse>(
        this IEndpointRouteBuilder endpoints, string service, string method, Func<TRequest, RpcContext, Task<TResponse>> handler, FleetRole? requiredRole = null)
        where TRequest : IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(handler);
        var (dispatcher, info, parser) = Prepare<TRequest>(endpoints, service, method, requiredRole);
        RpcServerDispatcher.Invoker<TRequest> invoke = async (request, context, call) =>
        {
            var response = await handler(request, context).ConfigureAwait(false);
            // Not flushed: the message, the trailers and END_STREAM leave together.
            await call.WriteMessageAsync(response, flush: false, context.CancellationToken).ConfigureAwait(false);
        };
        return endpoints.MapPost(info.Path, http => dispatcher.DispatchAsync(http, info, parser, invoke));
    }

    /// <summary>Maps a server-streaming method: the handler writes any number of responses, then returns.</summary>
    public static IEndpointConventionBuilder MapServerStreamingRpc<TRequest, TResponse>(
        this IEndpointRouteBuilder endpoints, string service, string method, Func<TRequest, IRpcStreamWriter<TResponse>, RpcContext, Task> handler, FleetRole? requiredRole = null)
        where TRequest : IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(handler);
        var (dispatcher, info, parser) = Prepare<TRequest>(endpoints, service, method, requiredRole);
        RpcServerDispatcher.Invoker<TRequest> invoke = (request, context, call) => handler(request, new RpcStreamWriter<TResponse>(call), context);
        return endpoints.MapPost(info.Path, http => dispatcher.DispatchAsync(http, info, parser, invoke));
    }

    /// <summary>
    /// Answers every other gRPC POST with UNIMPLEMENTED (other requests get 415). Map it last;
    /// it is a fallback route, so mapped methods always win.
    /// </summary>
    public static IEndpointConventionBuilder MapGrpcFallback(this IEndpointRouteBuilder endpoints)
    {
        var dispatcher = Dispatcher(endpoints);
        // "{**path}" rather than MapFallback's default pattern, which skips paths whose last
        // segment has a dot; gRPC paths are full of dots.
        return endpoints.MapFallback("{**path}", http =>
        {
            if (!HttpMethods.IsPost(http.Request.Method))
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return dispatcher.UnimplementedAsync(http);
        });
    }

    private static (RpcServerDispatcher Dispatcher, RpcMethodInfo Info, MessageParser<TRequest> Parser) Prepare<TRequest>(
        IEndpointRouteBuilder endpoints, string service, string method, FleetRole? requiredRole)
        where TRequest : IMessage<TRequest>, new()
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        RpcMethodInfo.Validate(service, method);
        return (Dispatcher(endpoints), new RpcMethodInfo(service, method, requiredRole), new MessageParser<TRequest>(() => new TRequest()));
    }

    private static RpcServerDispatcher Dispatcher(IEndpointRouteBuilder endpoints) =>
        endpoints.ServiceProvider.GetService<RpcServerDispatcher>()
        ?? throw new InvalidOperationException("The gRPC wire layer is not registered: call services.AddRpc() before mapping gRPC methods.");
}
