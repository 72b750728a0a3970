using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using SecretFleet.Kube;
using SecretFleet.Kube.Models;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Operator.Specs;

/// <summary>
/// Node i's pod <c>NAME-i</c>, made by the operator itself rather than by a StatefulSet: a StatefulSet mounts the
/// same volumes into every pod, and each node must mount only its own TLS Secret and its own key Secret. The pod
/// keeps what a StatefulSet gave it — its name, its DNS name <c>NAME-i.NAME-nodes.NS.svc</c> (hostname and
/// subdomain), its PVC <c>data-NAME-i</c> — and, like a StatefulSet with <c>OnDelete</c>, it is only ever replaced
/// by the operator, never in the middle of an epoch. Ordinal i holds the share at x = i + 1.
/// </summary>
internal static class NodePodSpec
{
    public const string ContainerName = "node";

    public const string Command = "secretfleet-node";

    public const string DataPath = "/var/lib/secretfleet";

    public const string TlsPath = "/etc/secretfleet/tls";

    public const string KeyPath = "/etc/secretfleet/key";

    public const string TlsVolume = "tls";

    public const string KeyVolume = "key";

    /// <summary>The non-root user of the node image (distroless "nonroot").</summary>
    public const long NonRootUser = 65532;

    /// <summary>0400: the node key is readable by its owner only.</summary>
    public const int KeyFileMode = 256;

    /// <param name="cluster">The SecretCluster.</param>
    /// <param name="image">The node image, as the operator decided it (spec.image if allowed; see NodeImagePolicy).</param>
    /// <param name="ordinal">The node's ordinal.</param>
    /// <param name="threshold">The fleet's threshold.</param>
    public static KubeObject Build(SecretCluster cluster, string image, int ordinal, int threshold)
    {
        var (labels, spec) = Parts(cluster, image, ordinal, threshold);
        labels[LabelsAndAnnotations.TemplateHash] = Hash(labels, spec);
        return new KubeObject("v1", "Pod", ChildMetadata.For(cluster, ChildNames.Of(cluster).Pod(ordinal), labels), new JsonObject { ["spec"] = spec });
    }

    /// <summary>
    /// The template hash operators before 0.2 gave the same pod: over the JSON as the builder wrote it, so it would
    /// change with member order. A pod carrying it is up to date, and is relabelled in place rather than replaced.
    /// </summary>
    public static string LegacyTemplateHash(SecretCluster cluster, string image, int ordinal, int threshold)
    {
        var (labels, spec) = Parts(cluster, image, ordinal, threshold);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ChildMetadata.ToJson(labels).ToJsonString() + spec.ToJsonString())))[..16];
    }

    private static (SortedDictionary<string, string> Labels, JsonObject Spec) Parts(SecretCluster cluster, string image, int ordinal, int threshold)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var names = ChildNames.Of(cluster);
        var labels = new SortedDictionary<string, string>(
            (IDictionary<string, string>)ChildMetadata.NodeLabels(names.Cluster, LabelsAndAnnotations.Components.Node, ordinal), StringComparer.Ordinal);
        return (labels, PodSpec(cluster, names, image, ordinal, threshold));
    }

    /// <summary>The template hash label of a pod (as built, or as it runs), if any.</summary>
    public static string? TemplateHashOf(IKubeObject pod) => pod?.Metadata.Label(LabelsAndAnnotations.TemplateHash);

    /// <summary>The Secret a node pod's TLS volume mounts, if it has one.</summary>
    public static string? TlsSecretOf(Pod pod) => SecretOf(pod, TlsVolume);

    /// <summary>The names of every Secret a pod's volumes mount (secret volumes and projected sources).</summary>
    public static IReadOnlyList<string> MountedSecrets(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var secrets = new List<string>();
        foreach (var volume in (pod.Spec?["volumes"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (Text(volume["secret"]?["secretName"]) is { } name)
            {
                secrets.Add(name);
            }

            foreach (var source in (volume["projected"]?["sources"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (Text(source["secret"]?["name"]) is { } projected)
                {
                    secrets.Add(projected);
                }
            }
        }

        return secrets;
    }

    private static string? SecretOf(Pod pod, string volumeName) =>
        (pod?.Spec?["volumes"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(v => Text(v["name"]) == volumeName)
            .Select(v => Text(v["secret"]?["secretName"]))
            .FirstOrDefault();

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static JsonObject PodSpec(SecretCluster cluster, ChildNames names, string image, int ordinal, int threshold)
    {
        var container = new JsonObject
        {
            ["name"] = ContainerName,
            ["image"] = image,
            ["imagePullPolicy"] = "IfNotPresent",
            ["command"] = new JsonArray(Command),
            ["args"] = new JsonArray(
                "--cluster", names.Cluster,
                "--ordinal", ordinal.ToString(CultureInfo.InvariantCulture),
                "--threshold", threshold.ToString(CultureInfo.InvariantCulture),
                "--data-dir", DataPath,
                "--tls-dir", TlsPath,
                "--key-file", $"{KeyPath}/{ChildNames.NodeKeyFile}",
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
                new JsonObject { ["name"] = TlsVolume, ["mountPath"] = TlsPath, ["readOnly"] = true },
                new JsonObject { ["name"] = KeyVolume, ["mountPath"] = KeyPath, ["readOnly"] = true }),
        };
        if (Resources(cluster.Spec.Resources) is { } resources)
        {
            container["resources"] = resources;
        }

        var spec = new JsonObject
        {
            // What a StatefulSet sets: with the headless Service NAME-nodes this gives the pod its DNS name.
            ["hostname"] = names.Pod(ordinal),
            ["subdomain"] = names.Service,
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
            // Only this node's own Secrets: its certificate and its sealing key.
            ["volumes"] = new JsonArray(
                new JsonObject { ["name"] = ChildNames.DataVolume, ["persistentVolumeClaim"] = new JsonObject { ["claimName"] = names.DataClaim(ordinal) } },
                new JsonObject { ["name"] = TlsVolume, ["secret"] = new JsonObject { ["secretName"] = names.NodeTlsSecret(ordinal) } },
                new JsonObject { ["name"] = KeyVolume, ["secret"] = new JsonObject { ["secretName"] = names.NodeKeySecret(ordinal), ["defaultMode"] = KeyFileMode } }),
        };
        if (Affinity(cluster.Spec.Spread ?? new(), names) is { } affinity)
        {
            spec["affinity"] = affinity;
        }

        return spec;
    }

    /// <summary>The kubernetes.io/hostname label every node carries: one host, one node of the fleet.</summary>
    public const string HostTopology = "kubernetes.io/hostname";

    public const string ZoneTopology = "topology.kubernetes.io/zone";

    // Anti-affinity to the fleet's other node pods: with Required hosts, no machine ever runs two
    // nodes, so no machine alone ever holds two shares of a secret.
    private static JsonObject? Affinity(SpreadSpec spread, ChildNames names)
    {
        var required = new JsonArray();
        var preferred = new JsonArray();
        void Add(SpreadRule rule, string topology, int weight)
        {
            var term = new JsonObject
            {
                ["labelSelector"] = new JsonObject { ["matchLabels"] = ChildMetadata.ToJson(ChildMetadata.NodeSelector(names.Cluster)) },
                ["topologyKey"] = topology,
            };
            if (rule == SpreadRule.Required)
            {
                required.Add(term);
            }
            else if (rule == SpreadRule.Preferred)
            {
                preferred.Add(new JsonObject { ["weight"] = weight, ["podAffinityTerm"] = term });
            }
        }

        Add(spread.Hosts, HostTopology, 100);
        Add(spread.Zones, ZoneTopology, 50);
        if (required.Count == 0 && preferred.Count == 0)
        {
            return null;
        }

        var antiAffinity = new JsonObject();
        if (required.Count > 0)
        {
            antiAffinity["requiredDuringSchedulingIgnoredDuringExecution"] = required;
        }

        if (preferred.Count > 0)
        {
            antiAffinity["preferredDuringSchedulingIgnoredDuringExecution"] = preferred;
        }

        return new JsonObject { ["podAntiAffinity"] = antiAffinity };
    }

    private static JsonObject Probe(string path, int periodSeconds, int failureThreshold) => new()
    {
        ["httpGet"] = new JsonObject { ["path"] = path, ["port"] = ChildNames.HttpPort, ["scheme"] = "HTTP" },
        ["periodSeconds"] = periodSeconds,
        ["timeoutSeconds"] = 2,
        ["failureThreshold"] = failureThreshold,
    };

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

    /// <summary>16 hex digits of SHA-256 over the labels and spec as built (the builder's output is deterministic).</summary>
    /// <summary>Over the content only (<see cref="CanonicalJson"/>), so a builder writing the same pod in another member order keeps it.</summary>
    private static string Hash(IReadOnlyDictionary<string, string> labels, JsonObject spec) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalJson.Of(ChildMetadata.ToJson(labels)) + CanonicalJson.Of(spec))))[..16];
}
