using k8s.Models;

namespace SecretFleet.Kube;

/// <summary>What the operator and the CLI read from a pod's status.</summary>
public static class PodReadiness
{
    /// <summary>True when the pod's Ready condition is True (all containers ready, probes passing).</summary>
    public static bool IsReady(this V1Pod pod) =>
        pod?.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;
}
