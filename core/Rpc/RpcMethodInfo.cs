using SecretFleet.Core.Identity;

namespace SecretFleet.Core.Rpc;

/// <summary>A mapped method: its name, the route it answers and who may call it.</summary>
internal sealed record RpcMethodInfo(string Service, string Method, FleetRole? RequiredRole)
{
    public string FullName { get; } = $"{Service}/{Method}";

    public string Path => $"/{FullName}";

    public static void Validate(string service, string method)
    {
        if (string.IsNullOrEmpty(service) || service.Contains('/', StringComparison.Ordinal) || service.Contains('{', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Service name '{service}' must be non-empty, without '/' or '{{' (e.g. 'secretfleet.v1.Shares').", nameof(service));
        }

        if (string.IsNullOrEmpty(method) || method.Contains('/', StringComparison.Ordinal) || method.Contains('{', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Method name '{method}' must be non-empty, without '/' or '{{' (e.g. 'Put').", nameof(method));
        }
    }
}
