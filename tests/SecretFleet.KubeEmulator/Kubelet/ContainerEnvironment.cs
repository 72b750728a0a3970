using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// A container's own environment as a kubelet builds it: <c>HOSTNAME</c>, then <c>envFrom</c>, then <c>env</c> in
/// order (literal values with <c>$(VAR)</c> expansion, <c>fieldRef</c>s of the downward API, Secret and ConfigMap keys).
/// </summary>
internal static partial class ContainerEnvironment
{
    public static (Dictionary<string, string>? Environment, string? Error) Build(LaunchContext context)
    {
        var pod = context.Pod;
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["HOSTNAME"] = Json.String(pod["spec"]?["hostname"]) ?? ObjectMeta.Name(pod),
        };
        foreach (var source in (context.Container["envFrom"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var (resource, reference) = source["secretRef"] is JsonObject s ? (BuiltInResources.Secrets, s) : (BuiltInResources.ConfigMaps, source["configMapRef"] as JsonObject);
            var name = Json.String(reference?["name"]) ?? "";
            var obj = context.Lookup(resource, name);
            if (obj is null)
            {
                if (Json.TryBool(reference?["optional"], out var optional) && optional)
                {
                    continue;
                }

                return (null, $"{Kind(resource)} \"{name}\" not found");
            }

            foreach (var (key, value) in Values(resource, obj))
            {
                environment[(Json.String(source["prefix"]) ?? "") + key] = value;
            }
        }

        foreach (var variable in (context.Container["env"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var name = Json.String(variable["name"]) ?? "";
            if (variable["valueFrom"] is not JsonObject from)
            {
                environment[name] = Expand(Json.String(variable["value"]) ?? "", environment);
                continue;
            }

            var (value, error) = From(context, from);
            if (error is not null)
            {
                return (null, $"env {name}: {error}");
            }

            if (value is not null)
            {
                environment[name] = value;
            }
        }

        return (environment, null);
    }

    /// <summary><c>$(VAR)</c> becomes the variable's value when it is defined (else stays as written); <c>$$</c> is a literal <c>$</c>.</summary>
    public static string Expand(string text, IReadOnlyDictionary<string, string> environment) =>
        Reference().Replace(text, m => m.Value == "$$" ? "$" : environment.TryGetValue(m.Groups[1].Value, out var value) ? value : m.Value);

    private static (string? Value, string? Error) From(LaunchContext context, JsonObject from)
    {
        if (from["fieldRef"] is JsonObject field)
        {
            var path = Json.String(field["fieldPath"]) ?? "";
            var value = FieldValue(context, path);
            return value is null ? (null, $"fieldRef {path} is not supported by the emulated kubelet") : (value, null);
        }

        var (resource, reference) = from["secretKeyRef"] is JsonObject s ? (BuiltInResources.Secrets, s) : (BuiltInResources.ConfigMaps, from["configMapKeyRef"] as JsonObject);
        if (reference is null)
        {
            return (null, "only value, fieldRef, secretKeyRef and configMapKeyRef are supported by the emulated kubelet");
        }

        var name = Json.String(reference["name"]) ?? "";
        var key = Json.String(reference["key"]) ?? "";
        var optional = Json.TryBool(reference["optional"], out var o) && o;
        var obj = context.Lookup(resource, name);
        if (obj is null)
        {
            return optional ? (null, null) : (null, $"{Kind(resource)} \"{name}\" not found");
        }

        return Values(resource, obj).TryGetValue(key, out var found) ? (found, null)
            : optional ? (null, null) : (null, $"couldn't find key {key} in {Kind(resource)} {ObjectMeta.Namespace(obj)}/{name}");
    }

    private static string? FieldValue(LaunchContext context, string path)
    {
        var pod = context.Pod;
        if (MapKey().Match(path) is { Success: true } keyed)
        {
            var map = keyed.Groups[1].Value == "labels" ? ObjectMeta.Labels(pod) : ObjectMeta.Annotations(pod);
            return map.GetValueOrDefault(keyed.Groups[2].Value, "");
        }

        return path switch
        {
            "metadata.name" => ObjectMeta.Name(pod),
            "metadata.namespace" => ObjectMeta.Namespace(pod) ?? "",
            "metadata.uid" => ObjectMeta.Uid(pod),
            "spec.nodeName" => Json.String(pod["spec"]?["nodeName"]) ?? "",
            "spec.serviceAccountName" => Json.String(pod["spec"]?["serviceAccountName"]) ?? "default",
            "status.podIP" or "status.podIPs" => context.PodIp,
            "status.hostIP" or "status.hostIPs" => context.HostIp,
            _ => null,
        };
    }

    /// <summary>A Secret's <c>data</c> (base64) or a ConfigMap's <c>data</c> and <c>binaryData</c>, decoded.</summary>
    internal static Dictionary<string, string> Values(GroupResource resource, JsonObject obj)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var isSecret = resource == BuiltInResources.Secrets;
        foreach (var (key, value) in obj["data"] as JsonObject ?? [])
        {
            var text = Json.String(value) ?? "";
            values[key] = isSecret ? Encoding.UTF8.GetString(Convert.FromBase64String(text)) : text;
        }

        foreach (var (key, value) in obj["binaryData"] as JsonObject ?? [])
        {
            values[key] = Encoding.UTF8.GetString(Convert.FromBase64String(Json.String(value) ?? ""));
        }

        return values;
    }

    private static string Kind(GroupResource resource) => resource == BuiltInResources.Secrets ? "secret" : "configmap";

    [GeneratedRegex(@"\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)")]
    private static partial Regex Reference();

    [GeneratedRegex(@"^metadata\.(labels|annotations)\['([^']*)'\]$")]
    private static partial Regex MapKey();
}
