using System.Globalization;
using SecretFleet.Core.Identity;

namespace SecretFleet.Kube.SecretClusters;

/// <summary>
/// The names of everything the operator creates for a SecretCluster, as the Kubernetes contract fixes them
/// (docs/operations.md). One rule for the operator, the CLI and the tests: in particular the name each node's
/// identity carries (<see cref="NodeIdentityName"/>), which channels to that node insist on.
/// </summary>
public sealed record ChildNames(string Namespace, string Cluster)
{
    /// <summary>The data volume of a node pod; its PVC is <c>data-NAME-i</c>.</summary>
    public const string DataVolume = "data";

    /// <summary>The file in a node's key Secret that holds its 32-byte sealing key.</summary>
    public const string NodeKeyFile = "node.key";

    public const int GrpcPort = 7443;

    public const int HttpPort = 8080;

    public static ChildNames Of(SecretCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return new ChildNames(
            cluster.Metadata.NamespaceProperty ?? throw new ArgumentException("The SecretCluster has no namespace.", nameof(cluster)),
            cluster.Metadata.Name ?? throw new ArgumentException("The SecretCluster has no name.", nameof(cluster)));
    }

    /// <summary>The headless Service <c>NAME-nodes</c>.</summary>
    public string Service => $"{Cluster}-nodes";

    public string PodDisruptionBudget => Cluster;

    /// <summary>The NetworkPolicy <c>NAME-nodes</c> that admits to the node pods only the fleet's nodes, the operator and its clients.</summary>
    public string NetworkPolicy => $"{Cluster}-nodes";

    public string SelfSignedIssuer => $"{Cluster}-selfsigned";

    /// <summary>The CA Certificate, its Secret and the CA Issuer share this name.</summary>
    public string CertificateAuthority => $"{Cluster}-ca";

    public string OperatorCertificate => $"{Cluster}-operator";

    public string OperatorTlsSecret => $"{Cluster}-operator-tls";

    public string ClientCertificate => $"{Cluster}-client";

    public string ClientTlsSecret => $"{Cluster}-client-tls";

    /// <summary>The name every fleet has a client of without asking: <see cref="ClientCertificate"/>'s identity.</summary>
    public const string DefaultClient = "default";

    /// <summary>The Certificate of a client of <c>spec.clients</c>: <c>NAME-client-CLIENT</c>.</summary>
    public string NamedClientCertificate(string client) => $"{ClientCertificate}-{client}";

    /// <summary>The TLS Secret of a client: <c>NAME-client-tls</c> for <see cref="DefaultClient"/>, else <c>NAME-client-CLIENT-tls</c>.</summary>
    public string ClientTlsSecretOf(string client) => client == DefaultClient ? ClientTlsSecret : $"{NamedClientCertificate(client)}-tls";

    /// <summary>The client a Certificate <c>NAME-client-CLIENT</c> was made for, or null.</summary>
    public string? NamedClientOf(string certificateName)
    {
        ArgumentNullException.ThrowIfNull(certificateName);
        var prefix = ClientCertificate + "-";
        return certificateName.StartsWith(prefix, StringComparison.Ordinal) && certificateName.Length > prefix.Length ? certificateName[prefix.Length..] : null;
    }

    /// <summary>Node i's pod <c>NAME-i</c>.</summary>
    public string Pod(int ordinal) => $"{Cluster}-{Text(ordinal)}";

    /// <summary>Node i's PVC <c>data-NAME-i</c> (the name a StatefulSet gave it, so volumes of older fleets fit).</summary>
    public string DataClaim(int ordinal) => $"{DataVolume}-{Cluster}-{Text(ordinal)}";

    /// <summary>Node i's cert-manager Certificate <c>NAME-node-i</c>.</summary>
    public string NodeCertificate(int ordinal) => $"{Cluster}-node-{Text(ordinal)}";

    /// <summary>Node i's TLS Secret <c>NAME-node-i-tls</c>, mounted by pod <c>NAME-i</c> only.</summary>
    public string NodeTlsSecret(int ordinal) => $"{NodeCertificate(ordinal)}-tls";

    /// <summary>Node i's sealing-key Secret <c>NAME-node-i-key</c> (<see cref="NodeKeyFile"/>), mounted by pod <c>NAME-i</c> only.</summary>
    public string NodeKeySecret(int ordinal) => $"{NodeCertificate(ordinal)}-key";

    /// <summary>
    /// The name in node i's identity <c>spiffe://TD/node/NAME-i</c>: its pod name. Each node has its own, so a
    /// node cannot pose as another; the coordinator and the CLI accept from node i only this identity.
    /// </summary>
    public string NodeIdentityName(int ordinal) => Pod(ordinal);

    /// <summary>The trust domain of a fleet whose spec names none: <c>NAME.NS</c>, one per fleet.</summary>
    public string DefaultTrustDomain => $"{Cluster}.{Namespace}";

    /// <summary>The fleet's SPIFFE trust domain: <c>spec.trustDomain</c>, else <see cref="DefaultTrustDomain"/>.</summary>
    public static string TrustDomainOf(SecretCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return cluster.Spec.TrustDomain ?? Of(cluster).DefaultTrustDomain;
    }

    /// <summary>The identity node <paramref name="ordinal"/>'s certificate carries, <c>spiffe://TD/node/NAME-i</c>: the only one its peers, the operator and the CLI accept from it.</summary>
    public static FleetIdentity NodeIdentity(SecretCluster cluster, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return new(TrustDomainOf(cluster), FleetRole.Node, Of(cluster).NodeIdentityName(ordinal));
    }

    /// <summary>The identity every node's certificate carried before per-node identities (<c>spiffe://TD/node/NAME</c>).</summary>
    public static FleetIdentity LegacyNodeIdentity(SecretCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return new(TrustDomainOf(cluster), FleetRole.Node, Of(cluster).LegacyNodeIdentityName);
    }

    /// <summary>The name node certificates carry and peers verify: <c>NAME-i.NAME-nodes.NS.svc</c>.</summary>
    public string PodTlsName(int ordinal) => $"{Pod(ordinal)}.{Service}.{Namespace}.svc";

    /// <summary>Every DNS name of pod i: the <see cref="PodTlsName"/> and its <c>.cluster.local</c> form.</summary>
    public IReadOnlyList<string> PodDnsNames(int ordinal) => [PodTlsName(ordinal), $"{PodTlsName(ordinal)}.cluster.local"];

    /// <summary>The StatefulSet <c>NAME</c> of the layout before per-node identities (migrated away, then gone).</summary>
    public string LegacyStatefulSet => Cluster;

    /// <summary>The one Certificate <c>NAME-node</c> every node shared before per-node identities.</summary>
    public string LegacyNodeCertificate => $"{Cluster}-node";

    /// <summary>The Secret of <see cref="LegacyNodeCertificate"/>: <c>NAME-node-tls</c>.</summary>
    public string LegacyNodeTlsSecret => $"{Cluster}-node-tls";

    /// <summary>The Secret <c>NAME-node-keys</c> that held every node's sealing key before per-node Secrets.</summary>
    public string LegacyNodeKeysSecret => $"{Cluster}-node-keys";

    /// <summary>The name in the identity every node shared before per-node identities (<c>spiffe://TD/node/NAME</c>).</summary>
    public string LegacyNodeIdentityName => Cluster;

    /// <summary>Node i's key file in <see cref="LegacyNodeKeysSecret"/>: <c>node-i.key</c>.</summary>
    public static string LegacyNodeKeyFile(int ordinal) => $"node-{Text(ordinal)}.key";

    /// <summary>The ordinal of a legacy key file name <c>node-i.key</c>, or null.</summary>
    public static int? LegacyKeyFileOrdinal(string file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return file.StartsWith("node-", StringComparison.Ordinal) && file.EndsWith(".key", StringComparison.Ordinal)
            ? Ordinal(file["node-".Length..^".key".Length])
            : null;
    }

    /// <summary>The ordinal of a name <c>PREFIX-i</c>, or null.</summary>
    public static int? OrdinalOf(string name, string prefix)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(prefix);
        var start = prefix + "-";
        return name.StartsWith(start, StringComparison.Ordinal) ? Ordinal(name[start.Length..]) : null;
    }

    /// <summary>The ordinal of a pod <c>NAME-i</c>, or null.</summary>
    public int? PodOrdinal(string podName) => OrdinalOf(podName, Cluster);

    /// <summary>The ordinal of a PVC <c>data-NAME-i</c>, or null.</summary>
    public int? ClaimOrdinal(string claimName) => OrdinalOf(claimName, $"{DataVolume}-{Cluster}");

    /// <summary>The Certificate name a TLS Secret <c>X-tls</c> belongs to (<c>X</c>), or null for another name.</summary>
    public static string? CertificateOfTlsSecret(string secretName)
    {
        ArgumentNullException.ThrowIfNull(secretName);
        return secretName.EndsWith("-tls", StringComparison.Ordinal) ? secretName[..^"-tls".Length] : null;
    }

    /// <summary>Whether a Certificate name is one of a node's or of a client of <c>spec.clients</c>.</summary>
    public bool IsIdentityCertificate(string certificateName) => NodeCertificateOrdinal(certificateName) is not null || NamedClientOf(certificateName) is not null;

    /// <summary>The ordinal of a node Certificate <c>NAME-node-i</c>, or null.</summary>
    public int? NodeCertificateOrdinal(string certificateName) => OrdinalOf(certificateName, $"{Cluster}-node");

    /// <summary>The ordinal of a node key Secret <c>NAME-node-i-key</c>, or null.</summary>
    public int? NodeKeySecretOrdinal(string secretName)
    {
        ArgumentNullException.ThrowIfNull(secretName);
        return secretName.EndsWith("-key", StringComparison.Ordinal) ? NodeCertificateOrdinal(secretName[..^"-key".Length]) : null;
    }

    /// <summary>The fleet id the coordinator and nodes agree on: <c>NS/NAME</c>.</summary>
    public string FleetId => $"{Namespace}/{Cluster}";

    private static string Text(int ordinal) => ordinal.ToString(CultureInfo.InvariantCulture);

    private static int? Ordinal(string digits) =>
        int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var ordinal) ? ordinal : null;
}
