using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// The HTTP front end: authenticates (client certificate from our CA, or the bearer token), serves discovery and
/// health, and routes resource URLs to <see cref="ResourceEndpoint"/>.
/// </summary>
internal sealed class ApiRequestHandler(ResourceService service, ResourceEndpoint endpoint, string token)
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

        if (!Authenticated(context))
        {
            await HttpIo.WriteStatusAsync(context, ApiStatus.Unauthorized());
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

    private bool Authenticated(HttpContext context)
    {
        if (context.Connection.ClientCertificate is not null)
        {
            // Kestrel accepted it only if our CA issued it (see the TLS options of ApiServerEmulator).
            return true;
        }

        var authorization = context.Request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.Ordinal)
            && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.UTF8.GetBytes(authorization["Bearer ".Length..].Trim()), System.Text.Encoding.UTF8.GetBytes(token));
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
