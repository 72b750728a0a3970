using System.Text.Json.Nodes;
using SecretFleet.Kube;
using SecretFleet.Kube.Models;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Operator.Specs;

/// <summary>
/// The per-cluster CA when the SecretCluster names no <c>issuerRef</c>: a self-signed Issuer signs the CA
/// Certificate <c>NAME-ca</c>, and the CA Issuer <c>NAME-ca</c> signs the node, operator and client certificates.
/// </summary>
internal static class IssuerSpecs
{
    /// <summary>The issuers a cluster needs, in the order they are applied: none when <c>spec.issuerRef</c> names the user's.</summary>
    public static IReadOnlyList<KubeObject> All(SecretCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return cluster.Spec.IssuerRef is null ? [SelfSigned(cluster), CertificateAuthority(cluster)] : [];
    }

    public static KubeObject SelfSigned(SecretCluster cluster)
    {
        var names = ChildNames.Of(cluster);
        return Issuer(cluster, names.SelfSignedIssuer, new JsonObject { ["selfSigned"] = new JsonObject() });
    }

    public static KubeObject CertificateAuthority(SecretCluster cluster)
    {
        var names = ChildNames.Of(cluster);
        return Issuer(cluster, names.CertificateAuthority, new JsonObject { ["ca"] = new JsonObject { ["secretName"] = names.CertificateAuthority } });
    }

    private static KubeObject Issuer(SecretCluster cluster, string name, JsonObject spec) =>
        new("cert-manager.io/v1", "Issuer", ChildMetadata.For(cluster, name, LabelsAndAnnotations.Components.Certificates), new JsonObject { ["spec"] = spec });
}
