using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using SecretFleet.Kube;
using SecretFleet.Kube.Json;
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
    public static V1Pod Build(SecretCluster cluster, string image, int ordinal, int threshold)
    {
        var (labels, spec) = Parts(cluster, image, ordinal, threshold);
        labels[LabelsAndAnnotations.TemplateHash] = Hash(labels, spec);
        return new V1Pod { ApiVersion = "v1", Kind = "Pod", Metadata = ChildMetadata.For(cluster, ChildNames.Of(cluster).Pod(ordinal), labels), Spec = spec };
    }

    /// <summary>
    /// The template hash operators before 0.2 gave the same pod: over the JSON as their builder wrote it, in its member
    /// order and with quantities as spec.resources spells them. A pod carrying it is up to date, and is relabelled in
    /// place rather than replaced.
    /// </summary>
    public static string LegacyTemplateHash(SecretCluster cluster, string image, int ordinal, int threshold)
    {
        var (labels, spec) = Parts(cluster, image, ordinal, threshold);
        return LegacyPodTemplate.Hash(labels, Json(spec), cluster.Spec.Resources);
    }

    private static (SortedDictionary<string, string> Labels, V1PodSpec Spec) Parts(SecretCluster cluster, string image, int ordinal, int threshold)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var names = ChildNames.Of(cluster);
        return (ChildMetadata.NodeLabels(names.Cluster, LabelsAndAnnotations.Components.Node, ordinal), PodSpec(cluster, names, image, ordinal, threshold));
    }

    /// <summary>The template hash label of a pod (as built, or as it runs), if any.</summary>
    public static string? TemplateHashOf(IKubernetesObject<V1ObjectMeta>? pod) => pod?.GetLabel(LabelsAndAnnotations.TemplateHash);

    /// <summary>The Secret a node pod's TLS volume mounts, if it has one.</summary>
    public static string? TlsSecretOf(V1Pod pod) =>
        pod?.Spec?.Volumes?.Where(v => v.Name == TlsVolume).Select(v => v.Secret?.SecretName).FirstOrDefault();

    /// <summary>The names of every Secret a pod's volumes mount (secret volumes and projected sources).</summary>
    public static IReadOnlyList<string> MountedSecrets(V1Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var secrets = new List<string>();
        foreach (var volume in pod.Spec?.Volumes ?? [])
        {
            if (volume.Secret?.SecretName is { } name)
            {
                secrets.Add(name);
            }

            secrets.AddRange((volume.Projected?.Sources ?? []).Select(source => source.Secret?.Name).OfType<string>());
        }

        return secrets;
    }

    private static V1PodSpec PodSpec(SecretCluster cluster, ChildNames names, string image, int ordinal, int threshold)
    {
        var container = new V1Container
        {
            Name = ContainerName,
            Image = image,
            ImagePullPolicy = "IfNotPresent",
            Command = [Command],
            Args =
            [
                "--cluster", names.Cluster,
                "--ordinal", ordinal.ToString(CultureInfo.InvariantCulture),
                "--threshold", threshold.ToString(CultureInfo.InvariantCulture),
                "--data-dir", DataPath,
                "--tls-dir", TlsPath,
                "--key-file", $"{KeyPath}/{ChildNames.NodeKeyFile}",
                "--listen", $"0.0.0.0:{ChildNames.GrpcPort}",
                "--http-listen", $"0.0.0.0:{ChildNames.HttpPort}",
            ],
            Ports =
            [
                new V1ContainerPort { Name = "grpc", ContainerPort = ChildNames.GrpcPort, Protocol = "TCP" },
                new V1ContainerPort { Name = "http", ContainerPort = ChildNames.HttpPort, Protocol = "TCP" },
            ],
            ReadinessProbe = Probe("/readyz", periodSeconds: 5, failureThreshold: 3),
            LivenessProbe = Probe("/healthz", periodSeconds: 10, failureThreshold: 6),
            SecurityContext = new V1SecurityContext
            {
                RunAsNonRoot = true,
                RunAsUser = NonRootUser,
                RunAsGroup = NonRootUser,
                ReadOnlyRootFilesystem = true,
                AllowPrivilegeEscalation = false,
                Capabilities = new V1Capabilities { Drop = ["ALL"] },
            },
            VolumeMounts =
            [
                new V1VolumeMount { Name = ChildNames.DataVolume, MountPath = DataPath },
                new V1VolumeMount { Name = TlsVolume, MountPath = TlsPath, ReadOnlyProperty = true },
                new V1VolumeMount { Name = KeyVolume, MountPath = KeyPath, ReadOnlyProperty = true },
            ],
            Resources = Resources(cluster.Spec.Resources),
        };
        return new V1PodSpec
        {
            // What a StatefulSet sets: with the headless Service NAME-nodes this gives the pod its DNS name.
            Hostname = names.Pod(ordinal),
            Subdomain = names.Service,
            // Nodes never call the Kubernetes API: no token in the pod.
            AutomountServiceAccountToken = false,
            EnableServiceLinks = false,
            TerminationGracePeriodSeconds = 30,
            SecurityContext = new V1PodSecurityContext
            {
                RunAsNonRoot = true,
                RunAsUser = NonRootUser,
                RunAsGroup = NonRootUser,
                FsGroup = NonRootUser,
                SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
            },
            Containers = [container],
            // Only this node's own Secrets: its certificate and its sealing key.
            Volumes =
            [
                new V1Volume { Name = ChildNames.DataVolume, PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = names.DataClaim(ordinal) } },
                new V1Volume { Name = TlsVolume, Secret = new V1SecretVolumeSource { SecretName = names.NodeTlsSecret(ordinal) } },
                new V1Volume { Name = KeyVolume, Secret = new V1SecretVolumeSource { SecretName = names.NodeKeySecret(ordinal), DefaultMode = KeyFileMode } },
            ],
            Affinity = Affinity(cluster.Spec.Spread ?? new(), names),
        };
    }

    /// <summary>The kubernetes.io/hostname label every node carries: one host, one node of the fleet.</summary>
    public const string HostTopology = "kubernetes.io/hostname";

    public const string ZoneTopology = "topology.kubernetes.io/zone";

    // Anti-affinity to the fleet's other node pods: with Required hosts, no machine ever runs two
    // nodes, so no machine alone ever holds two shares of a secret.
    private static V1Affinity? Affinity(SpreadSpec spread, ChildNames names)
    {
        var required = new List<V1PodAffinityTerm>();
        var preferred = new List<V1WeightedPodAffinityTerm>();
        void Add(SpreadRule rule, string topology, int weight)
        {
            var term = new V1PodAffinityTerm { LabelSelector = ChildMetadata.NodePods(names.Cluster), TopologyKey = topology };
            if (rule == SpreadRule.Required)
            {
                required.Add(term);
            }
            else if (rule == SpreadRule.Preferred)
            {
                preferred.Add(new V1WeightedPodAffinityTerm { Weight = weight, PodAffinityTerm = term });
            }
        }

        Add(spread.Hosts, HostTopology, 100);
        Add(spread.Zones, ZoneTopology, 50);
        if (required.Count == 0 && preferred.Count == 0)
        {
            return null;
        }

        return new V1Affinity
        {
            PodAntiAffinity = new V1PodAntiAffinity
            {
                RequiredDuringSchedulingIgnoredDuringExecution = required.Count > 0 ? required : null,
                PreferredDuringSchedulingIgnoredDuringExecution = preferred.Count > 0 ? preferred : null,
            },
        };
    }

    private static V1Probe Probe(string path, int periodSeconds, int failureThreshold) => new()
    {
        HttpGet = new V1HTTPGetAction { Path = path, Port = ChildNames.HttpPort, Scheme = "HTTP" },
        PeriodSeconds = periodSeconds,
        TimeoutSeconds = 2,
        FailureThreshold = failureThreshold,
    };

    private static V1ResourceRequirements? Resources(ResourceRequirements? resources) =>
        resources is null || (resources.Limits is null && resources.Requests is null)
            ? null
            : new V1ResourceRequirements { Limits = Quantities(resources.Limits), Requests = Quantities(resources.Requests) };

    private static SortedDictionary<string, ResourceQuantity>? Quantities(IReadOnlyDictionary<string, Quantity>? values) =>
        values is null ? null : new(values.ToDictionary(v => v.Key, v => new ResourceQuantity(v.Value.Value)), StringComparer.Ordinal);

    /// <summary>
    /// 16 hex digits of SHA-256 over the labels and spec, in canonical form (<see cref="CanonicalJson"/>): over the
    /// content only, so that the same pod written in another member order keeps its hash.
    /// </summary>
    private static string Hash(IDictionary<string, string> labels, V1PodSpec spec) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalJson.Of(Json(labels)) + CanonicalJson.Of(Json(spec)))))[..16];

    private static JsonNode Json<T>(T value) => JsonSerializer.SerializeToNode(value, KubeJson.Options)!;
}
