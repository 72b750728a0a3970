using System.Text.Json.Nodes;
using SecretFleet.Kube;
using SecretFleet.Kube.Models;
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
    public static IReadOnlyList<KubeObject> All(SecretCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return cluster.Spec.IssuerRef is null ? [SelfSigned(cluster)] : [];
    }

    public static KubeObject SelfSigned(SecretCluster cluster)
    {
        var names = ChildNames.Of(cluster);
        return Issuer(cluster, names.SelfSignedIssuer, new JsonObject { ["selfSigned"] = new JsonObject() });
    }

    private static KubeObject Issuer(SecretCluster cluster, string name, JsonObject spec) =>
        new("cert-manager.io/v1", "Issuer", ChildMetadata.For(cluster, name, LabelsAndAnnotations.Components.Certificates), new JsonObject { ["spec"] = spec });
}
