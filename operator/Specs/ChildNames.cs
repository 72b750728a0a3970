using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Operator.Specs;

/// <summary>
/// The names of everything the operator creates for a SecretCluster, as the Kubernetes contract fixes them
/// (docs/operations.md). The CLI and the cluster tests derive the same names.
/// </summary>
public sealed record ChildNames(string Namespace, string Cluster)
{
    /// <summary>The PVC template of the StatefulSet; PVCs are <c>data-NAME-i</c>.</summary>
    public const string DataVolume = "data";

    public const int GrpcPort = 7443;

    public const int HttpPort = 8080;

    public static ChildNames Of(SecretCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return new ChildNames(
            cluster.Metadata.Namespace ?? throw new ArgumentException("The SecretCluster has no namespace.", nameof(cluster)),
            cluster.Metadata.Name ?? throw new ArgumentException("The SecretCluster has no name.", nameof(cluster)));
    }

    /// <summary>The headless Service <c>NAME-nodes</c>.</summary>
    public string Service => $"{Cluster}-nodes";

    /// <summary>The StatefulSet, also the PodDisruptionBudget: <c>NAME</c>.</summary>
    public string StatefulSet => Cluster;

    public string PodDisruptionBudget => Cluster;

    public string SelfSignedIssuer => $"{Cluster}-selfsigned";

    /// <summary>The CA Certificate, its Secret and the CA Issuer share this name.</summary>
    public string CertificateAuthority => $"{Cluster}-ca";

    public string NodeCertificate => $"{Cluster}-node";

    public string NodeTlsSecret => $"{Cluster}-node-tls";

    public string OperatorCertificate => $"{Cluster}-operator";

    public string OperatorTlsSecret => $"{Cluster}-operator-tls";

    public string ClientCertificate => $"{Cluster}-client";

    public string ClientTlsSecret => $"{Cluster}-client-tls";

    public string NodeKeysSecret => $"{Cluster}-node-keys";

    /// <summary><c>NAME-i</c>.</summary>
    public string Pod(int ordinal) => $"{Cluster}-{ordinal}";

    /// <summary><c>data-NAME-i</c>.</summary>
    public string DataClaim(int ordinal) => $"{DataVolume}-{Cluster}-{ordinal}";

    /// <summary>The name node certificates carry and peers verify: <c>NAME-i.NAME-nodes.NS.svc</c>.</summary>
    public string PodTlsName(int ordinal) => $"{Pod(ordinal)}.{Service}.{Namespace}.svc";

    /// <summary>The key file of ordinal i in the node-keys Secret.</summary>
    public static string NodeKeyFile(int ordinal) => $"node-{ordinal}.key";

    /// <summary>The ordinal of a pod or PVC name of this cluster (<c>NAME-i</c>, <c>data-NAME-i</c>), or null.</summary>
    public int? OrdinalOf(string name, string prefix)
    {
        ArgumentNullException.ThrowIfNull(name);
        var start = prefix + "-";
        return name.StartsWith(start, StringComparison.Ordinal)
            && int.TryParse(name.AsSpan(start.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ordinal)
            ? ordinal
            : null;
    }

    /// <summary>The ordinal of a pod <c>NAME-i</c>, or null.</summary>
    public int? PodOrdinal(string podName) => OrdinalOf(podName, Cluster);

    /// <summary>The ordinal of a PVC <c>data-NAME-i</c>, or null.</summary>
    public int? ClaimOrdinal(string claimName) => OrdinalOf(claimName, $"{DataVolume}-{Cluster}");

    /// <summary>The fleet id the coordinator and nodes agree on: <c>NS/NAME</c>.</summary>
    public string FleetId => $"{Namespace}/{Cluster}";
}
