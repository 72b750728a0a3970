using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// The few defaults and conversions of built-in kinds that clients rely on: Secret <c>stringData</c> folded into
/// <c>data</c>, Namespace phase and finalizer, Service type and cluster IP, Pod/PVC initial phase, StatefulSet
/// and Deployment replicas. Everything else a real server defaults is left out.
/// </summary>
internal static class BuiltInDefaults
{
    public const string NamespaceFinalizer = "kubernetes";

    public static void Apply(ResourceType type, JsonObject obj, JsonObject? old)
    {
        switch (type.Group, type.Plural)
        {
            case ("", "secrets"):
                FoldStringData(obj);
                if (Json.String(obj["type"]) is null or "")
                {
                    obj["type"] = "Opaque";
                }

                break;
            case ("", "namespaces"):
                if (old is null)
                {
                    // The server, not the client, decides a new namespace is cleaned up before it goes.
                    obj["spec"] = new JsonObject { ["finalizers"] = new JsonArray(NamespaceFinalizer) };
                }

                obj["status"] ??= new JsonObject { ["phase"] = "Active" };
                break;
            case ("", "services"):
                DefaultService(obj, old);
                break;
            case ("", "pods") or ("", "persistentvolumeclaims") when old is null:
                obj["status"] ??= new JsonObject { ["phase"] = "Pending" };
                break;
            case ("apps", "statefulsets"):
                var spec = obj["spec"] as JsonObject;
                if (spec is not null)
                {
                    spec["replicas"] ??= 1L;
                    spec["podManagementPolicy"] ??= "OrderedReady";
                    spec["updateStrategy"] ??= new JsonObject { ["type"] = "RollingUpdate" };
                }

                break;
            case ("apps", "deployments") when obj["spec"] is JsonObject deployment:
                deployment["replicas"] ??= 1L;
                break;
        }
    }

    private static void FoldStringData(JsonObject secret)
    {
        if (secret["stringData"] is not JsonObject stringData)
        {
            return;
        }

        if (secret["data"] is not JsonObject data)
        {
            data = [];
            secret["data"] = data;
        }

        foreach (var (key, value) in stringData)
        {
            data[key] = Convert.ToBase64String(Encoding.UTF8.GetBytes(Json.String(value) ?? ""));
        }

        secret.Remove("stringData");
    }

    private static void DefaultService(JsonObject service, JsonObject? old)
    {
        if (service["spec"] is not JsonObject spec)
        {
            return;
        }

        spec["type"] ??= "ClusterIP";
        spec["sessionAffinity"] ??= "None";
        if (spec["clusterIP"] is null)
        {
            spec["clusterIP"] = old?["spec"]?["clusterIP"]?.DeepClone() ?? string.Create(
                CultureInfo.InvariantCulture, $"10.96.{RandomNumberGenerator.GetInt32(0, 255)}.{RandomNumberGenerator.GetInt32(1, 255)}");
        }

        spec["clusterIPs"] ??= new JsonArray(spec["clusterIP"]!.DeepClone());
        foreach (var port in (spec["ports"] as JsonArray ?? []).OfType<JsonObject>())
        {
            port["protocol"] ??= "TCP";
            port["targetPort"] ??= port["port"]?.DeepClone();
        }
    }
}
