using System.Text.Json.Nodes;
using SecretFleet.Kube;
using SecretFleet.Kube.Models;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Operator.Specs;

/// <summary>
/// Node i's volume, the PVC <c>data-NAME-i</c> (the name a StatefulSet's claim template gave it, so the volumes of
/// older fleets are the same objects). It carries no owner reference: garbage collection must never take a node's
/// shares; <c>deletionPolicy: Delete</c> deletes it explicitly, <c>Retain</c> keeps it.
/// </summary>
internal static class DataClaimSpec
{
    public static KubeObject Build(SecretCluster cluster, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var names = ChildNames.Of(cluster);
        var spec = new JsonObject
        {
            ["accessModes"] = new JsonArray("ReadWriteOnce"),
            ["resources"] = new JsonObject { ["requests"] = new JsonObject { ["storage"] = cluster.Spec.Storage.Size.Value } },
        };
        if (cluster.Spec.Storage.StorageClassName is { } storageClass)
        {
            spec["storageClassName"] = storageClass;
        }

        var metadata = new ObjectMeta
        {
            Name = names.DataClaim(ordinal),
            Namespace = names.Namespace,
            Labels = ChildMetadata.NodeLabels(names.Cluster, LabelsAndAnnotations.Components.Node, ordinal),
        };
        return new KubeObject("v1", "PersistentVolumeClaim", metadata, new JsonObject { ["spec"] = spec });
    }
}
