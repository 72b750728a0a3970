using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using SecretFleet.Kube;
using SecretFleet.Kube.Models;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Operator.Specs;

/// <summary>
/// The node StatefulSet <c>NAME</c>: ordinal i holds the share at x = i + 1, pods start in parallel, and
/// <c>OnDelete</c> updates so that only the operator replaces pods (never in the middle of an epoch).
/// </summary>
internal static class StatefulSetSpec
{
    public const string ContainerName = "node";

    public const string Command = "secretfleet-node";

    public const string DataPath = "/var/lib/secretfleet";

    public const string TlsPath = "/etc/secretfleet/tls";

    public const string KeyPath = "/etc/secretfleet/keys";

    /// <summary>The non-root user of the node image (distroless "nonroot").</summary>
    public const long NonRootUser = 65532;

    /// <summary>0400: the node keys are readable by their owner only.</summary>
    public const int KeyFileMode = 256;

    public static KubeObject Build(SecretCluster cluster, string defaultNodeImage, int replicas, int threshold)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var names = ChildNames.Of(cluster);
        var template = PodTemplate(cluster, names, cluster.Spec.Image ?? defaultNodeImage, threshold);
        var hash = Hash(template);
        template["metadata"]!["labels"]![LabelsAndAnnotations.TemplateHash] = hash;
        var annotations = new Dictionary<string, string>
        {
            [LabelsAndAnnotations.FleetThreshold] = threshold.ToString(CultureInfo.InvariantCulture),
        };
        var retention = cluster.Spec.DeletionPolicy == DeletionPolicy.Delete ? "Delete" : "Retain";
        return new KubeObject("apps/v1", "StatefulSet", ChildMetadata.For(cluster, names.StatefulSet, LabelsAndAnnotations.Components.Node, annotations), new JsonObject
        {
            ["spec"] = new JsonObject
            {
                ["replicas"] = replicas,
                ["serviceName"] = names.Service,
                ["podManagementPolicy"] = "Parallel",
                ["updateStrategy"] = new JsonObject { ["type"] = "OnDelete" },
                ["persistentVolumeClaimRetentionPolicy"] = new JsonObject { ["whenDeleted"] = retention, ["whenScaled"] = "Retain" },
                ["selector"] = new JsonObject { ["matchLabels"] = ChildMetadata.ToJson(ChildMetadata.NodeSelector(names.Cluster)) },
                ["template"] = template,
                ["volumeClaimTemplates"] = new JsonArray(DataClaim(cluster, names)),
            },
        });
    }

    /// <summary>The template hash label of a StatefulSet's pod template (or of a pod's labels), if any.</summary>
    public static string? TemplateHashOf(StatefulSet statefulSet) =>
        statefulSet?.Spec?["template"]?["metadata"]?["labels"]?[LabelsAndAnnotations.TemplateHash]?.GetValue<string>();

    /// <summary>The threshold a live StatefulSet's shares were dealt with (its annotation), if recorded.</summary>
    public static int? ThresholdOf(StatefulSet statefulSet) =>
        statefulSet?.Metadata.Annotation(LabelsAndAnnotations.FleetThreshold) is { } text
        && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var threshold)
            ? threshold
            : null;

    /// <summary>The replicas a live StatefulSet asks for.</summary>
    public static int? ReplicasOf(StatefulSet statefulSet) =>
        statefulSet?.Spec?["replicas"] is JsonValue value && value.TryGetValue<int>(out var replicas) ? replicas : null;

    private static JsonObject PodTemplate(SecretCluster cluster, ChildNames names, string image, int threshold)
    {
        var labels = ChildMetadata.ToJson(ChildMetadata.Labels(names.Cluster, LabelsAndAnnotations.Components.Node));
        var container = new JsonObject
        {
            ["name"] = ContainerName,
            ["image"] = image,
            ["imagePullPolicy"] = "IfNotPresent",
            ["command"] = new JsonArray(Command),
            ["args"] = new JsonArray(
                "--cluster", names.Cluster,
                "--ordinal-from-hostname",
                "--threshold", threshold.ToString(CultureInfo.InvariantCulture),
                "--data-dir", DataPath,
                "--tls-dir", TlsPath,
                "--key-dir", KeyPath,
                "--listen", $"0.0.0.0:{ChildNames.GrpcPort}",
                "--http-listen", $"0.0.0.0:{ChildNames.HttpPort}"),
            ["ports"] = new JsonArray(
                new JsonObject { ["name"] = "grpc", ["containerPort"] = ChildNames.GrpcPort, ["protocol"] = "TCP" },
                new JsonObject { ["name"] = "http", ["containerPort"] = ChildNames.HttpPort, ["protocol"] = "TCP" }),
            ["readinessProbe"] = Probe("/readyz", periodSeconds: 5, failureThreshold: 3),
            ["livenessProbe"] = Probe("/healthz", periodSeconds: 10, failureThreshold: 6),
            ["securityContext"] = new JsonObject
            {
                ["runAsNonRoot"] = true,
                ["runAsUser"] = NonRootUser,
                ["runAsGroup"] = NonRootUser,
                ["readOnlyRootFilesystem"] = true,
                ["allowPrivilegeEscalation"] = false,
                ["capabilities"] = new JsonObject { ["drop"] = new JsonArray("ALL") },
            },
            ["volumeMounts"] = new JsonArray(
                new JsonObject { ["name"] = ChildNames.DataVolume, ["mountPath"] = DataPath },
                new JsonObject { ["name"] = "tls", ["mountPath"] = TlsPath, ["readOnly"] = true },
                new JsonObject { ["name"] = "keys", ["mountPath"] = KeyPath, ["readOnly"] = true }),
        };
        if (Resources(cluster.Spec.Resources) is { } resources)
        {
            container["resources"] = resources;
        }

        return new JsonObject
        {
            ["metadata"] = new JsonObject { ["labels"] = labels },
            ["spec"] = new JsonObject
            {
                // Nodes never call the Kubernetes API: no token in the pod.
                ["automountServiceAccountToken"] = false,
                ["enableServiceLinks"] = false,
                ["terminationGracePeriodSeconds"] = 30,
                ["securityContext"] = new JsonObject
                {
                    ["runAsNonRoot"] = true,
                    ["runAsUser"] = NonRootUser,
                    ["runAsGroup"] = NonRootUser,
                    ["fsGroup"] = NonRootUser,
                    ["seccompProfile"] = new JsonObject { ["type"] = "RuntimeDefault" },
                },
                ["containers"] = new JsonArray(container),
                ["volumes"] = new JsonArray(
                    new JsonObject { ["name"] = "tls", ["secret"] = new JsonObject { ["secretName"] = names.NodeTlsSecret } },
                    new JsonObject { ["name"] = "keys", ["secret"] = new JsonObject { ["secretName"] = names.NodeKeysSecret, ["defaultMode"] = KeyFileMode } }),
            },
        };
    }

    private static JsonObject Probe(string path, int periodSeconds, int failureThreshold) => new()
    {
        ["httpGet"] = new JsonObject { ["path"] = path, ["port"] = ChildNames.HttpPort, ["scheme"] = "HTTP" },
        ["periodSeconds"] = periodSeconds,
        ["timeoutSeconds"] = 2,
        ["failureThreshold"] = failureThreshold,
    };

    private static JsonObject DataClaim(SecretCluster cluster, ChildNames names)
    {
        var spec = new JsonObject
        {
            ["accessModes"] = new JsonArray("ReadWriteOnce"),
            ["resources"] = new JsonObject { ["requests"] = new JsonObject { ["storage"] = cluster.Spec.Storage.Size.Value } },
        };
        if (cluster.Spec.Storage.StorageClassName is { } storageClass)
        {
            spec["storageClassName"] = storageClass;
        }

        return new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["name"] = ChildNames.DataVolume,
                ["labels"] = ChildMetadata.ToJson(ChildMetadata.Labels(names.Cluster, LabelsAndAnnotations.Components.Node)),
            },
            ["spec"] = spec,
        };
    }

    private static JsonObject? Resources(ResourceRequirements? resources)
    {
        if (resources is null || (resources.Limits is null && resources.Requests is null))
        {
            return null;
        }

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

    private static JsonObject Quantities(IReadOnlyDictionary<string, Kube.Json.Quantity> values)
    {
        var json = new JsonObject();
        foreach (var (name, quantity) in values.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            json[name] = quantity.Value;
        }

        return json;
    }

    /// <summary>16 hex digits of SHA-256 over the template as built (the builder's output is deterministic).</summary>
    private static string Hash(JsonObject template) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(template.ToJsonString())))[..16];
}
