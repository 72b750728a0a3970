using System.Net;
using k8s.Models;
using SecretFleet.Core.Identity;
using SecretFleet.Kube;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Cli.Tests.Support;

/// <summary>A SecretCluster, its pods and its client Secret as the operator and kubelet would leave them.</summary>
internal static class ClusterObjects
{
    public const string TrustDomain = "secretfleet.local";

    public static SecretCluster Cluster(string name, string ns, int replicas, int threshold, SecretClusterStatus? status = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, ResourceVersion = "100" },
        Spec = new SecretClusterSpec { Replicas = replicas, Threshold = threshold, Refresh = new RefreshSpec { Interval = "24h" }, TrustDomain = TrustDomain },
        Status = status,
    };

    public static V1Pod Pod(string cluster, string ns, int ordinal, string? ip, bool ready = true) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = $"{cluster}-{ordinal}",
            NamespaceProperty = ns,
            Labels = new Dictionary<string, string> { [LabelsAndAnnotations.Cluster] = cluster, [LabelsAndAnnotations.Ordinal] = $"{ordinal}" },
        },
        Status = new V1PodStatus
        {
            PodIP = ip,
            Phase = "Running",
            Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False" }],
        },
    };

    /// <summary>Node <paramref name="ordinal"/>'s certificate as the contract issues it: its own identity (its pod name) and its pod's DNS names only.</summary>
    public static IssuedCertificate NodeCertificate(LocalCertificateAuthority authority, string cluster, string ns, int ordinal)
    {
        var names = new ChildNames(ns, cluster);
        return authority.Issue(new LeafCertificateRequest(new FleetIdentity(authority.TrustDomain, FleetRole.Node, names.NodeIdentityName(ordinal)), TimeSpan.FromDays(1))
        {
            DnsNames = names.PodDnsNames(ordinal),
        });
    }

    public static IssuedCertificate Issue(LocalCertificateAuthority authority, FleetRole role, string name) =>
        authority.Issue(new LeafCertificateRequest(new FleetIdentity(authority.TrustDomain, role, name), TimeSpan.FromDays(1)) { IpAddresses = [IPAddress.Loopback] });

    public static V1Secret ClientSecret(string cluster, string ns, IssuedCertificate client) => new()
    {
        Metadata = new V1ObjectMeta { Name = new ChildNames(ns, cluster).ClientTlsSecretOf(client.Identity.Name), NamespaceProperty = ns },
        Type = "kubernetes.io/tls",
        Data = new Dictionary<string, byte[]>
        {
            ["tls.crt"] = System.Text.Encoding.UTF8.GetBytes(client.CertificatePem),
            ["tls.key"] = System.Text.Encoding.UTF8.GetBytes(client.PrivateKeyPem),
            ["ca.crt"] = System.Text.Encoding.UTF8.GetBytes(client.CertificateAuthorityPem),
        },
    };
}
