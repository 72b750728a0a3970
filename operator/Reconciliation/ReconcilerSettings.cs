using SecretFleet.Operator.Specs;

namespace SecretFleet.Operator.Reconciliation;

/// <summary>Settings of the SecretCluster reconciler.</summary>
/// <param name="NodeImage">The node image for SecretClusters without spec.image.</param>
/// <param name="PollInterval">How often a reconcile that waits on something no watch reports (pods going away during deletion, a running job) looks again.</param>
/// <param name="MaxRequeue">The longest a reconcile waits for its next scheduled refresh before looking again anyway.</param>
internal sealed record ReconcilerSettings(string NodeImage, TimeSpan PollInterval, TimeSpan MaxRequeue)
{
    /// <summary>Images spec.image may name besides <see cref="NodeImage"/>.</summary>
    public IReadOnlyList<string> AllowedNodeImages { get; init; } = [];

    /// <summary>Who the fleets' NetworkPolicies admit besides their own nodes and clients.</summary>
    public required NodeNetworkPeers NetworkPeers { get; init; }

    public NodeImagePolicy NodeImages => new(NodeImage, AllowedNodeImages);
}
