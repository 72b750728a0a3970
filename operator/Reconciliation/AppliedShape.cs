using System.Globalization;
using k8s.Models;
using SecretFleet.Kube;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Operator.Reconciliation;

/// <summary>
/// The replicas and threshold the operator last applied, as the cluster records them: <c>status.replicas</c> and
/// <c>status.threshold</c> (which a committed resharing moves in the same write as the epoch), or, from operators
/// before those fields, annotations on the headless Service, or, for a fleet from before per-node identities, its
/// StatefulSet's replicas and threshold annotation.
/// </summary>
/// <param name="Replicas">The nodes the operator runs now.</param>
/// <param name="Threshold">The threshold the shares were dealt with, when recorded.</param>
internal sealed record AppliedShape(int Replicas, int? Threshold)
{
    /// <summary>The shape recorded in the SecretCluster's status, if it records one.</summary>
    public static AppliedShape? OfStatus(SecretClusterStatus? status) =>
        status?.Replicas is { } replicas ? new AppliedShape(replicas, status.Threshold) : null;

    /// <summary>The shape recorded on the headless Service, if it records one.</summary>
    public static AppliedShape? OfService(V1Service? service) =>
        Integer(service?.GetAnnotation(LabelsAndAnnotations.FleetReplicas)) is { } replicas
            ? new AppliedShape(replicas, Integer(service!.GetAnnotation(LabelsAndAnnotations.FleetThreshold)))
            : null;

    /// <summary>The shape of an older fleet's StatefulSet <c>NAME</c>.</summary>
    public static AppliedShape? OfLegacy(V1StatefulSet? statefulSet) =>
        statefulSet?.Spec?.Replicas is { } replicas
            ? new AppliedShape(replicas, Integer(statefulSet.GetAnnotation(LabelsAndAnnotations.FleetThreshold)))
            : null;

    private static int? Integer(string? text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
}
