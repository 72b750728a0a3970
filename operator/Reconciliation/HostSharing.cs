using SecretFleet.Kube;

namespace SecretFleet.Operator.Reconciliation;

/// <summary>
/// The SharedHost condition: whether two or more node pods of the fleet run on one host. A host that runs threshold
/// nodes is one machine that can recover every secret by itself, which the fleet exists to prevent.
/// </summary>
internal static class HostSharing
{
    public static (bool Shared, string Reason, string Message) Assess(ClusterState state, int threshold)
    {
        ArgumentNullException.ThrowIfNull(state);
        var crowded = state.Pods
            .Where(p => p.Metadata.DeletionTimestamp is null)
            .Select(p => (Host: p.Spec?.NodeName, Name: p.Metadata.Name ?? ""))
            .Where(p => p.Host is { Length: > 0 })
            .GroupBy(p => p.Host!, StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .Select(g => (Host: g.Key, Pods: g.Select(p => p.Name).Order(StringComparer.Ordinal).ToList()))
            .OrderByDescending(g => g.Pods.Count).ThenBy(g => g.Host, StringComparer.Ordinal)
            .ToList();
        if (crowded.Count == 0)
        {
            return (false, Conditions.Reasons.DistinctHosts, "No two nodes run on one host.");
        }

        var listing = string.Join("; ", crowded.Select(g => $"host {g.Host} runs {string.Join(", ", g.Pods)}"));
        var fix = "set spec.spread.hosts to Required and give the cluster a host per node.";
        return crowded[0].Pods.Count >= threshold
            ? (true, Conditions.Reasons.HostHoldsThreshold, $"{listing}: one machine holds threshold ({threshold}) shares and can recover every secret alone; {fix}")
            : (true, Conditions.Reasons.HostsShared, $"{listing}: fewer than threshold ({threshold}) shares on any one machine, but fewer machines stand between an attacker and the secrets; {fix}");
    }
}
