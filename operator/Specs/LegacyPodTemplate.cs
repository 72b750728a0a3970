using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using SecretFleet.Kube.Json;

namespace SecretFleet.Operator.Specs;

/// <summary>
/// The node pod's template hash as operators before 0.2 took it: SHA-256 over the labels and the spec as their JSON
/// builder wrote them, member order included. The pod is a typed model now, so its JSON is put back into that builder's
/// order here, and the quantities of spec.resources back into the user's spelling (the typed model writes them
/// canonical: "0.5" as "500m"). Nothing else reads this: it only spares running pods a restart on upgrade.
/// </summary>
internal static class LegacyPodTemplate
{
    /// <summary>
    /// Every member name the old builder wrote, in an order that agrees with its order in each object it wrote them in
    /// (the pod spec, a container, a probe, a volume, …). Names not listed (label keys, resource names) were written
    /// sorted, after these.
    /// </summary>
    private static readonly string[] MemberOrder =
    [
        "hostname", "subdomain", "automountServiceAccountToken", "enableServiceLinks", "terminationGracePeriodSeconds",
        "name", "image", "imagePullPolicy", "command", "args", "ports", "readinessProbe", "livenessProbe",
        "securityContext", "containers", "volumeMounts", "volumes", "resources", "affinity",
        "containerPort", "protocol",
        "httpGet", "path", "port", "scheme", "periodSeconds", "timeoutSeconds", "failureThreshold",
        "runAsNonRoot", "runAsUser", "runAsGroup", "fsGroup", "readOnlyRootFilesystem", "allowPrivilegeEscalation", "capabilities",
        "seccompProfile", "type", "drop",
        "mountPath", "readOnly",
        "persistentVolumeClaim", "secret", "claimName", "secretName", "defaultMode",
        "limits", "requests",
        "podAntiAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "preferredDuringSchedulingIgnoredDuringExecution",
        "weight", "podAffinityTerm", "labelSelector", "matchLabels", "topologyKey",
    ];

    private static readonly Dictionary<string, int> Rank = MemberOrder.Select((name, i) => KeyValuePair.Create(name, i)).ToDictionary(StringComparer.Ordinal);

    /// <param name="labels">The pod's labels without the hash.</param>
    /// <param name="spec">The pod spec as the typed model writes it.</param>
    /// <param name="resources">spec.resources of the SecretCluster, as the user wrote its quantities.</param>
    public static string Hash(IDictionary<string, string> labels, JsonNode spec, Kube.SecretClusters.ResourceRequirements? resources)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var ordered = Ordered(spec.DeepClone())!.AsObject();
        if (ordered["containers"]?[0] is JsonObject container && container.ContainsKey("resources"))
        {
            container["resources"] = AsWritten(resources!);
        }

        var labelsJson = new JsonObject([.. labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => KeyValuePair.Create(l.Key, (JsonNode?)l.Value))]);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(labelsJson.ToJsonString() + ordered.ToJsonString())))[..16];
    }

    private static JsonNode? Ordered(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj
            .OrderBy(p => Rank.GetValueOrDefault(p.Key, int.MaxValue))
            .ThenBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, Ordered(p.Value?.DeepClone())))),
        JsonArray array => new JsonArray([.. array.Select(item => Ordered(item?.DeepClone()))]),
        _ => node?.DeepClone(),
    };

    private static JsonObject AsWritten(Kube.SecretClusters.ResourceRequirements resources)
    {
        var json = new JsonObject();
        if (resources.Limits is { } limits)
        {
            json["limits"] = Quantities(limits);
        }

        if (resources.Requests is { } requests)
        {
            json["requests"] = Quantities(requests);
        }

        return json;
    }

    private static JsonObject Quantities(IReadOnlyDictionary<string, Quantity> values) =>
        new([.. values.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => KeyValuePair.Create(v.Key, (JsonNode?)v.Value.Value))]);
}
