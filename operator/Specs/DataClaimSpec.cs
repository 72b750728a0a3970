using k8s.Models;
using SecretFleet.Kube;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Operator.Specs;

/// <summary>
/// Node i's volume, the PVC <c>data-NAME-i</c> (the name a StatefulSet's claim template gave it, so the volumes of
/// older fleets are the same objects). It carries no owner reference: garbage collection must never take a node's
/// shares; <c>deletionPolicy: Delete</c> deletes it explicitly, <c>Retain</c> keeps it.
/// </summary>
internal static class DataClaimSpec
{
    public static V1PersistentVolumeClaim Build(SecretCluster cluster, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var names = ChildNames.Of(cluster);
        return new V1PersistentVolumeClaim
        {
            ApiVersion = "v1",
            Kind = "PersistentVolumeClaim",
            Metadata = new V1ObjectMeta
            {
                Name = names.DataClaim(ordinal),
                NamespaceProperty = names.Namespace,
                Labels = ChildMetadata.NodeLabels(names.Cluster, LabelsAndAnnotations.Components.Node, ordinal),
            },
            Spec = new V1PersistentVolumeClaimSpec
            {
                AccessModes = ["ReadWriteOnce"],
                Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new(cluster.Spec.Storage.Size.Value) } },
                StorageClassName = cluster.Spec.Storage.StorageClassName,
            },
        };
    }
}
