using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// Pure builders of what a StatefulSet owns: pod <c>NAME-i</c> from the template (labels, the pod-name and pod-index
/// labels, the revision label, hostname/subdomain, a volume per claim template, a controller owner reference) and
/// claim <c>CLAIM-NAME-i</c> per volumeClaimTemplate (owned by the StatefulSet only when whenDeleted is Delete).
/// </summary>
internal static class StatefulSetPods
{
    public const string PodNameLabel = "statefulset.kubernetes.io/pod-name";
    public const string PodIndexLabel = "apps.kubernetes.io/pod-index";
    public const string RevisionLabel = "controller-revision-hash";

    public static int Replicas(JsonObject set) => Json.TryInteger(set["spec"]?["replicas"], out var n) ? (int)n : 1;

    public static int FirstOrdinal(JsonObject set) => Json.TryInteger(set["spec"]?["ordinals"]?["start"], out var start) ? (int)start : 0;

    /// <summary>The revision name of the current template, <c>NAME-hash</c> (what a ControllerRevision would be called).</summary>
    public static string Revision(JsonObject set)
    {
        var template = set["spec"]?["template"]?.ToJsonString() ?? "";
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(template)))[..10].ToLowerInvariant();
        return $"{ObjectMeta.Name(set)}-{hash}";
    }

    /// <summary>The ordinal of a pod of this set, or null when the name is not <c>NAME-i</c>.</summary>
    public static int? Ordinal(string setName, string podName) =>
        podName.StartsWith(setName + "-", StringComparison.Ordinal)
        && int.TryParse(podName.AsSpan(setName.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var ordinal)
            ? ordinal
            : null;

    public static IEnumerable<JsonObject> ClaimTemplates(JsonObject set) =>
        (set["spec"]?["volumeClaimTemplates"] as JsonArray ?? []).OfType<JsonObject>();

    public static string ClaimName(JsonObject template, string setName, int ordinal) =>
        $"{ObjectMeta.Name(template)}-{setName}-{ordinal.ToString(CultureInfo.InvariantCulture)}";

    public static bool DeleteClaimsWithSet(JsonObject set) =>
        Json.String(set["spec"]?["persistentVolumeClaimRetentionPolicy"]?["whenDeleted"]) == "Delete";

    public static bool DeleteClaimsOnScaleDown(JsonObject set) =>
        Json.String(set["spec"]?["persistentVolumeClaimRetentionPolicy"]?["whenScaled"]) == "Delete";

    public static JsonObject OwnerReference(JsonObject set) => new()
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = "StatefulSet",
        ["name"] = ObjectMeta.Name(set),
        ["uid"] = ObjectMeta.Uid(set),
        ["controller"] = true,
        ["blockOwnerDeletion"] = true,
    };

    public static JsonObject Pod(JsonObject set, int ordinal, string revision)
    {
        var setName = ObjectMeta.Name(set);
        var name = $"{setName}-{ordinal.ToString(CultureInfo.InvariantCulture)}";
        var template = set["spec"]?["template"] as JsonObject ?? [];
        var labels = template["metadata"]?["labels"]?.DeepClone() as JsonObject ?? [];
        labels[PodNameLabel] = name;
        labels[PodIndexLabel] = ordinal.ToString(CultureInfo.InvariantCulture);
        labels[RevisionLabel] = revision;
        var metadata = new JsonObject
        {
            ["name"] = name,
            ["namespace"] = ObjectMeta.Namespace(set),
            ["labels"] = labels,
            ["ownerReferences"] = new JsonArray(OwnerReference(set)),
        };
        if (template["metadata"]?["annotations"] is JsonObject annotations)
        {
            metadata["annotations"] = annotations.DeepClone();
        }

        var spec = template["spec"]?.DeepClone() as JsonObject ?? [];
        spec["hostname"] = name;
        if (Json.String(set["spec"]?["serviceName"]) is { Length: > 0 } service)
        {
            spec["subdomain"] = service;
        }

        var volumes = spec["volumes"] as JsonArray ?? [];
        foreach (var claim in ClaimTemplates(set))
        {
            var volumeName = ObjectMeta.Name(claim);
            foreach (var same in volumes.OfType<JsonObject>().Where(v => Json.String(v["name"]) == volumeName).ToList())
            {
                volumes.Remove(same);
            }

            volumes.Add(new JsonObject
            {
                ["name"] = volumeName,
                ["persistentVolumeClaim"] = new JsonObject { ["claimName"] = ClaimName(claim, setName, ordinal) },
            });
        }

        if (volumes.Count > 0)
        {
            spec["volumes"] = volumes;
        }

        return new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Pod", ["metadata"] = metadata, ["spec"] = spec };
    }

    public static JsonObject Claim(JsonObject set, JsonObject template, int ordinal)
    {
        var labels = template["metadata"]?["labels"]?.DeepClone() as JsonObject ?? [];
        foreach (var (key, value) in set["spec"]?["selector"]?["matchLabels"] as JsonObject ?? [])
        {
            labels[key] = value?.DeepClone();
        }

        var metadata = new JsonObject
        {
            ["name"] = ClaimName(template, ObjectMeta.Name(set), ordinal),
            ["namespace"] = ObjectMeta.Namespace(set),
            ["labels"] = labels,
        };
        if (template["metadata"]?["annotations"] is JsonObject annotations)
        {
            metadata["annotations"] = annotations.DeepClone();
        }

        if (DeleteClaimsWithSet(set))
        {
            metadata["ownerReferences"] = new JsonArray(OwnerReference(set));
        }

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "PersistentVolumeClaim",
            ["metadata"] = metadata,
            ["spec"] = template["spec"]?.DeepClone() ?? new JsonObject(),
        };
    }
}
