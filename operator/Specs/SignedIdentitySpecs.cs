using System.Text;
using k8s.Models;
using SecretFleet.Core.Identity;
using SecretFleet.Kube;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Operator.Specs;

/// <summary>One identity the operator signs with the fleet's CA, and the Secret that holds it.</summary>
/// <param name="SecretName">The <c>kubernetes.io/tls</c> Secret: <c>tls.crt</c>, <c>tls.key</c>, <c>ca.crt</c>.</param>
/// <param name="Identity">The only URI SAN.</param>
/// <param name="DnsNames">DNS SANs: a node's pod names; none for the operator and clients.</param>
/// <param name="Labels">The Secret's labels (the operator's Secret watch maps them back to the cluster).</param>
internal sealed record SignedIdentity(string SecretName, FleetIdentity Identity, IReadOnlyList<string> DnsNames, IDictionary<string, string> Labels);

/// <summary>
/// What the operator signs when the SecretCluster names no <c>issuerRef</c>: each node's identity (its pod name,
/// its pod's DNS names), the operator's, the default client's and each client of <c>spec.clients</c>, with the
/// same names and Secrets cert-manager Certificates had. Only the operator can do it: no cert-manager Issuer
/// signs with the fleet's CA, so no Certificate or CertificateRequest of anyone else yields a fleet identity.
/// </summary>
internal static class SignedIdentitySpecs
{
    /// <summary>A day: a stolen leaf key is good for hours, not months. Nodes serve a renewed certificate without a restart.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    /// <summary>Renewed at two thirds of its life.</summary>
    public static readonly TimeSpan RenewBefore = TimeSpan.FromHours(8);

    /// <summary>The identities of a fleet of <paramref name="replicas"/> nodes, nodes first.</summary>
    public static IReadOnlyList<SignedIdentity> All(SecretCluster cluster, int replicas)
    {
        var names = ChildNames.Of(cluster);
        var trustDomain = ChildNames.TrustDomainOf(cluster);
        var certificates = ChildMetadata.Labels(names.Cluster, LabelsAndAnnotations.Components.Certificates);
        var all = new List<SignedIdentity>();
        for (var ordinal = 0; ordinal < replicas; ordinal++)
        {
            all.Add(new SignedIdentity(names.NodeTlsSecret(ordinal), ChildNames.NodeIdentity(cluster, ordinal), names.PodDnsNames(ordinal),
                ChildMetadata.NodeLabels(names.Cluster, LabelsAndAnnotations.Components.Certificates, ordinal)));
        }

        all.Add(new SignedIdentity(names.OperatorTlsSecret, new FleetIdentity(trustDomain, FleetRole.Operator, LabelsAndAnnotations.ManagedByOperator), [], certificates));
        foreach (var client in CertificateSpecs.NamedClients(cluster).Prepend(ChildNames.DefaultClient))
        {
            all.Add(new SignedIdentity(names.ClientTlsSecretOf(client), new FleetIdentity(trustDomain, FleetRole.Client, client), [], certificates));
        }

        return all;
    }

    /// <summary>The Secret holding a freshly issued certificate, owned by the SecretCluster so that it goes with it.</summary>
    public static V1Secret Build(SecretCluster cluster, SignedIdentity identity, IssuedCertificate issued)
    {
        ArgumentNullException.ThrowIfNull(issued);
        return Shell(cluster, identity) with
        {
            Data = new Dictionary<string, byte[]>
            {
                [TlsMaterial.CertificateFileName] = Encoding.UTF8.GetBytes(issued.CertificatePem),
                [TlsMaterial.PrivateKeyFileName] = Encoding.UTF8.GetBytes(issued.PrivateKeyPem),
                [TlsMaterial.CertificateAuthorityFileName] = Encoding.UTF8.GetBytes(issued.CertificateAuthorityPem),
            },
        };
    }

    /// <summary>The Secret without its data: what render prints (a key is drawn when the operator signs, so there is nothing true to print).</summary>
    public static V1Secret Shell(SecretCluster cluster, SignedIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var annotations = new Dictionary<string, string> { [LabelsAndAnnotations.Identity] = identity.Identity.ToString() };
        return new V1Secret { ApiVersion = "v1", Kind = "Secret", Metadata = ChildMetadata.For(cluster, identity.SecretName, identity.Labels, annotations), Type = "kubernetes.io/tls" };
    }
}
