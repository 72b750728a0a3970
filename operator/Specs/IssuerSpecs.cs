using SecretFleet.Kube;
using SecretFleet.Kube.CertManager;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Operator.Specs;

/// <summary>
/// The per-cluster CA when the SecretCluster names no <c>issuerRef</c>: a self-signed Issuer signs the CA
/// Certificate <c>NAME-ca</c>, and the operator signs the node, operator and client certificates with it. There is
/// deliberately no CA Issuer: whoever may create Certificates against one could mint a node's identity.
/// </summary>
internal static class IssuerSpecs
{
    /// <summary>The issuers a cluster needs, in the order they are applied: none when <c>spec.issuerRef</c> names the user's.</summary>
    public static IReadOnlyList<Issuer> All(SecretCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return cluster.Spec.IssuerRef is null ? [SelfSigned(cluster)] : [];
    }

    public static Issuer SelfSigned(SecretCluster cluster) => new()
    {
        Metadata = ChildMetadata.For(cluster, ChildNames.Of(cluster).SelfSignedIssuer, LabelsAndAnnotations.Components.Certificates),
        Spec = new IssuerSpec { SelfSigned = new SelfSignedIssuer() },
    };
}
