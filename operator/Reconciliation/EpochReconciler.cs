using k8s.Models;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Identity;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.Operator.Controller;
using SecretFleet.Operator.Epochs;

namespace SecretFleet.Operator.Reconciliation;

/// <summary>What the epoch side of a reconcile found and did.</summary>
/// <param name="Plan">The schedule's verdict.</param>
/// <param name="Waiting">Why a due refresh (or an open operation, or formation) cannot go ahead now.</param>
/// <param name="Started">A background job started in this reconcile.</param>
internal sealed record EpochReport(RefreshPlan Plan, string? Waiting, bool Started);

/// <summary>
/// Decides which fleet work is needed — finish an open operation, form the fleet, rebuild the shares of nodes
/// that lack them, reshare to the spec's shape, refresh when due — and hands it to the cluster's
/// <see cref="FleetSupervisor"/>, which runs it in the background. Gates: formation waits for every node; a
/// resharing and a refresh wait until every member is Ready, holds its shares and runs the current template (a
/// resharing also until every new node it deals to is Ready); a refresh also until no shape change is pending.
/// </summary>
internal sealed class EpochReconciler(FleetSupervisors supervisors, TimeProvider time)
{
    /// <param name="state">The cluster as this reconcile read it.</param>
    /// <param name="workloadApplied">The fleet's certificates are issued and the workload was applied: the coordinator may run.</param>
    /// <param name="shape">The replicas and threshold applied.</param>
    /// <param name="roll">Stale pods, and whether one was just replaced.</param>
    public EpochReport Reconcile(ClusterState state, bool workloadApplied, FleetShape shape, RollReport roll)
    {
        var cluster = state.Cluster;
        var key = ClusterKey.Of(cluster);
        var supervisor = supervisors.Get(key);
        var snapshot = supervisor.Snapshot;
        var plan = RefreshPlanner.Plan(cluster, time.GetUtcNow(), snapshot.HandledRequest);
        if (!workloadApplied)
        {
            return new EpochReport(plan, plan.Due ? "waiting for the certificates" : null, false);
        }

        var running = state.ReadyPods(shape.Nodes);
        var ready = running.Where(r => r.Ordinal < shape.Replicas).ToList();
        var everyone = new FleetView(state.Names.FleetId, shape.Threshold, [.. running.Select(r => Member(state, r.Ordinal, r.Pod))]);
        var fleet = everyone with { Members = [.. everyone.Members.Where(m => m.Ordinal < shape.Replicas)] };
        var podUids = running.ToDictionary(r => r.Ordinal, r => r.Pod.Metadata.Uid ?? "");
        var formed = cluster.Status?.Epoch is not null;
        var open = cluster.Status?.Refresh;
        var allReady = ready.Count == shape.Replicas;
        var unknown = ready.Any(r => !snapshot.IsMember(r.Ordinal, r.Pod.Metadata.Uid));

        string? waiting = null;
        if (open?.Id is { Length: > 0 } openId)
        {
            var needed = (open.Participants ?? []).Concat(open.Receivers ?? []).Append(open.RecoveryOrdinal ?? -1).Where(o => o >= 0).Distinct().Order();
            var missing = needed.Where(o => !podUids.ContainsKey(o)).Select(state.Names.Pod).ToList();
            if (missing.Count > 0)
            {
                return new EpochReport(plan, $"Operation {openId} waits for {string.Join(", ", missing)} to be Ready to deliver its decision.", false);
            }
        }
        else if (!formed && !allReady)
        {
            return new EpochReport(plan, $"The fleet forms once all {shape.Replicas} nodes are Ready ({ready.Count} are).", false);
        }

        var settled = formed && allReady && roll.Stale.Count == 0 && roll.Replaced is null;
        ResharingJob? resharing = null;
        if (shape.Resharing is { } later && open?.Id is { } other && open.Kind != RefreshKind.Resharing)
        {
            waiting = $"Resharing to {later} waits for operation {other} to finish.";
        }
        else if (shape.Resharing is { } target && open?.Id is null && formed)
        {
            var absent = Enumerable.Range(shape.Replicas, Math.Max(0, target.Replicas - shape.Replicas)).Where(o => !podUids.ContainsKey(o)).Select(state.Names.Pod).ToList();
            waiting = absent.Count > 0 ? $"Resharing to {target} waits until the new nodes {string.Join(", ", absent)} are Ready."
                : !allReady ? $"Resharing to {target} waits until every node of the fleet is Ready ({ready.Count} of {shape.Replicas} are): every member must deal."
                : roll.Stale.Count > 0 ? $"Resharing to {target} waits until {string.Join(", ", roll.Stale)} run the current pod template."
                : !settled ? $"Resharing to {target} waits for the fleet to settle."
                : null;
            if (waiting is null)
            {
                // Members whose shares are unknown yet are surveyed (and rebuilt) by the same job first.
                resharing = new ResharingJob([.. everyone.Members.Where(m => m.Ordinal < target.Replicas)], target.Threshold);
            }
        }

        var refreshAllowed = settled && shape.WaitingFor is null && shape.Resharing is null;
        if (plan.Due && !refreshAllowed && waiting is null)
        {
            waiting = !allReady
                ? $"A refresh is due and waits until every node is Ready ({ready.Count} of {shape.Replicas} are)."
                : roll.Stale.Count > 0
                    ? $"A refresh is due and waits until {string.Join(", ", roll.Stale)} run the current pod template."
                    : shape.Resharing is { } pending
                        ? $"A refresh is due and waits until the fleet is {pending}."
                        : "A refresh is due and waits for the fleet to settle.";
        }

        var work = open?.Id is not null || unknown || (plan.Due && refreshAllowed) || resharing is not null;
        var started = false;
        if (work && !snapshot.Busy)
        {
            started = supervisor.TryStart(new FleetJob(cluster, fleet, everyone, podUids, open?.Id is not null, !formed, plan, refreshAllowed) { Resharing = resharing });
        }

        return new EpochReport(plan, waiting, started);
    }

    /// <summary>
    /// Node i as the coordinator dials it, accepting only the identity its pod was given: its own
    /// (<c>spiffe://TD/node/NAME-i</c>), or, for a pod of an older fleet not replaced yet, the identity all its
    /// nodes shared — which only the operator's own pod spec, never the node, can claim.
    /// </summary>
    private static FleetMember Member(ClusterState state, int ordinal, V1Pod pod) =>
        // UriBuilder brackets IPv6 pod IPs.
        new(NodeIndex.XOf(ordinal), new UriBuilder(Uri.UriSchemeHttps, pod.Status!.PodIP, ChildNames.GrpcPort).Uri, state.Names.PodTlsName(ordinal),
            state.IsLegacy(pod) ? ChildNames.LegacyNodeIdentity(state.Cluster) : ChildNames.NodeIdentity(state.Cluster, ordinal));
}
