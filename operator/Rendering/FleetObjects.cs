using k8s;
using k8s.Models;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.Operator.Reconciliation;
using SecretFleet.Operator.Specs;

namespace SecretFleet.Operator.Rendering;

/// <summary>
/// Every object the operator creates for a new SecretCluster, from its own spec builders, in the order the
/// reconcilers apply them (a test replays the reconciler and compares): the issuers and Certificates, the TLS
/// Secrets the operator signs (without their keys), the NetworkPolicy, the headless Service and the
/// PodDisruptionBudget, then per node its key Secret, its PVC and its pod.
/// </summary>
internal static class FleetObjects
{
    /// <param name="cluster">The SecretCluster, with the namespace and uid its children should name.</param>
    /// <param name="images">The operator's <c>--node-image</c> and <c>--allowed-node-images</c>: a spec.image it would refuse is printed as the default.</param>
    /// <param name="peers">The operator's namespace and the metrics namespace, as the NetworkPolicy names them.</param>
    public static IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Build(SecretCluster cluster, NodeImagePolicy images, NodeNetworkPeers peers)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(cluster);
        // A cluster that does not exist yet has no applied shape and runs no operation: the spec's shape, as the operator decides it.
        var shape = ScalePolicy.Decide(cluster, live: null, operationRunning: false);
        // Nor has it pods whose image a refused spec.image would keep: a refused image is printed as the default.
        var image = images.Decide(cluster, applied: null).Image;
        var all = new List<IKubernetesObject<V1ObjectMeta>>();
        all.AddRange(IssuerSpecs.All(cluster));
        all.AddRange(CertificateSpecs.All(cluster, shape.Replicas));
        if (cluster.Spec.IssuerRef is null)
        {
            all.AddRange(SignedIdentitySpecs.All(cluster, shape.Replicas).Select(identity => SignedIdentitySpecs.Shell(cluster, identity)));
        }

        all.Add(NetworkPolicySpec.Build(cluster, peers));
        all.Add(HeadlessServiceSpec.Build(cluster, shape.Replicas, shape.Threshold, image));
        all.Add(PodDisruptionBudgetSpec.Build(cluster, shape.Threshold));
        for (var ordinal = 0; ordinal < shape.Replicas; ordinal++)
        {
            all.Add(KeySecretWithoutKey(cluster, ordinal));
            all.Add(DataClaimSpec.Build(cluster, ordinal));
            all.Add(NodePodSpec.Build(cluster, image, ordinal, shape.Threshold));
        }

        return all;
    }

    /// <summary>
    /// Node i's key Secret as the operator makes it, less its data: the key is 32 random bytes the operator draws
    /// when it creates the Secret, so there is nothing true to print, and a printed key would be a key on disk.
    /// </summary>
    private static V1Secret KeySecretWithoutKey(SecretCluster cluster, int ordinal) =>
        NodeKeySecretSpec.Build(cluster, ordinal, new byte[NodeKeySecretSpec.KeyBytes]) with { Data = null };
}
