using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// The HTTP front end: authenticates (client certificate from our CA, or a bearer token) and authorizes
/// (<see cref="RbacAuthorizer"/>), serves discovery and health, and routes resource URLs to <see cref="ResourceEndpoint"/>.
/// </summary>
internal sealed class ApiRequestHandler(ResourceService service, ResourceEndpoint endpoint, Authenticator authenticator, RbacAuthorizer authorizer)
{
    private readonly ConcurrentDictionary<(GroupResource, string), ISubresourceHandler> _subresources = new();

    public string ServerAddress { get; set; } = "";

    public void MapSubresource(GroupResource resource, string subresource, ISubresourceHandler handler) =>
        _subresources[(resource, subresource)] = handler;

    public async Task HandleAsync(HttpContext context)
    {
        try
        {
            await RouteAsync(context);
        }
        catch (Exception e) when (e is not OperationCanceledException && !context.Response.HasStarted)
        {
            // A bug in the emulator: answer like a real server's 500 so the test sees the reason.
            await HttpIo.WriteStatusAsync(context, new ApiStatus(500, "InternalError", $"emulator failure: {e.GetType().Name}: {e.Message}"));
        }
    }

    private async Task RouteAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (path is "/healthz" or "/livez" or "/readyz")
        {
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync("ok", context.RequestAborted);
            return;
        }

        if (authenticator.Authenticate(context) is not { } user)
        {
            await HttpIo.WriteStatusAsync(context, ApiStatus.Unauthorized());
            return;
        }

        // Before routing or reading the body: the real server's filter chain authorizes before any handler runs, so
        // an unknown resource is 403, not 404, for a user without a wildcard grant.
        if (authorizer.Refusal(user, RequestAttributes.Of(context.Request.Method, path, HttpIo.QueryFlag(context, "watch"))) is { } refusal)
        {
            await HttpIo.WriteStatusAsync(context, refusal);
            return;
        }

        if (DiscoveryDocument(path) is { } document)
        {
            await HttpIo.WriteJsonAsync(context, 200, document);
            return;
        }

        if (context.Request.ContentType?.StartsWith("application/vnd.kubernetes.protobuf", StringComparison.Ordinal) == true)
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            var (decoded, protobufError) = ProtobufBodies.Decode(buffer.ToArray());
            if (decoded is null)
            {
                await HttpIo.WriteStatusAsync(context, ApiStatus.UnsupportedMediaType($"{context.Request.ContentType}: {protobufError}"));
                return;
            }

            context.Request.Body = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(decoded.ToJsonString()));
            context.Request.ContentType = "application/json";
        }

        var api = ApiPath.Parse(path);
        var type = api is null ? null : service.Registry.Find(api.Group, api.Version, api.Plural);
        if (api is null || type is null || (!type.Namespaced && api.Namespace is not null))
        {
            await HttpIo.WriteStatusAsync(context, ApiStatus.UnknownResource());
            return;
        }

        if (api.Subresource is { } sub && sub != "status" && !(sub == "scale" && type.HasScale))
        {
            if (_subresources.TryGetValue((type.GroupResource, sub), out var handler))
            {
                await handler.HandleAsync(context, type, api.Namespace, api.Name!, context.RequestAborted);
            }
            else
            {
                await HttpIo.WriteStatusAsync(context, ApiStatus.UnknownResource());
            }

            return;
        }

        if (api.Subresource == "status" && !type.HasStatus)
        {
            await HttpIo.WriteStatusAsync(context, ApiStatus.UnknownResource());
            return;
        }

        await endpoint.HandleAsync(context, type, api);
    }

    private JsonObject? DiscoveryDocument(string path)
    {
        var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments switch
        {
            ["version"] => Discovery.Version(),
            ["api"] => Discovery.CoreVersions(ServerAddress),
            ["api", var version] => Discovery.Resources(service.Registry, "", version),
            ["apis"] => Discovery.Groups(service.Registry),
            ["apis", var group] => Discovery.Group(service.Registry, group),
            ["apis", var group, var version] => Discovery.Resources(service.Registry, group, version),
            ["openapi", "v3"] => OpenApiV3.Index(service.Registry),
            ["openapi", "v3", "api", var version] => OpenApiV3.GroupVersion(service.Registry, "", version),
            ["openapi", "v3", "apis", var group, var version] => OpenApiV3.GroupVersion(service.Registry, group, version),
            _ => null,
        };
    }
}
