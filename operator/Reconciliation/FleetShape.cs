using SecretFleet.Kube;

namespace SecretFleet.Operator.Reconciliation;

/// <summary>
/// The replicas and threshold the operator applies, which may differ from the spec: a refused change keeps the live
/// values (and says why), a replica change waits while an operation runs, and a threshold change or scale-down of a
/// formed fleet keeps them until a resharing to the spec's shape commits.
/// </summary>
/// <param name="Replicas">The nodes that hold the shares (ordinals 0..Replicas-1).</param>
/// <param name="Threshold">The threshold to apply (the fleet's, once it holds shares).</param>
/// <param name="RefusalReason">A <see cref="Conditions.Reasons"/> value when the spec is refused.</param>
/// <param name="RefusalMessage">What is refused and what to do, for the condition and the Event.</param>
/// <param name="WaitingFor">Set when a replica change waits for a running operation.</param>
internal sealed record FleetShape(int Replicas, int Threshold, string? RefusalReason, string? RefusalMessage, string? WaitingFor)
{
    public bool Refused => RefusalReason is not null;

    /// <summary>The shape a resharing moves the fleet to (wanted, or open in status.refresh); null when none is.</summary>
    public ResharingTarget? Resharing { get; init; }

    /// <summary>
    /// How many ordinals get a node (key, volume, identity, pod): the members, and while a resharing is wanted or open
    /// also the new nodes it deals to, which must run, empty, before it starts. Nodes a resharing removes stay until
    /// it commits, since they must hear its decision.
    /// </summary>
    public int Nodes => Math.Max(Replicas, Resharing?.Replicas ?? 0);

    /// <summary>"t-of-n", as users say it.</summary>
    public string Describe() => $"{Threshold}-of-{Replicas}";
}

/// <summary>The shape a resharing deals the fleet's secrets to: ordinals 0..Replicas-1 with threshold Threshold.</summary>
internal sealed record ResharingTarget(int Replicas, int Threshold)
{
    public override string ToString() => $"{Threshold}-of-{Replicas}";
}
