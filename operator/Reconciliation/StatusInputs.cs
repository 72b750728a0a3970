using SecretFleet.Operator.Epochs;

namespace SecretFleet.Operator.Reconciliation;

/// <summary>Everything the status of one reconcile is computed from.</summary>
internal sealed record StatusInputs(
    ClusterState State,
    FleetShape Shape,
    CertificateReport Certificates,
    WorkloadReport Workload,
    MigrationReport Migration,
    RollReport Roll,
    EpochReport Epochs,
    SupervisorSnapshot Supervisor,
    DateTimeOffset Now)
{
    /// <summary>The node image the pods get, and a refused spec.image.</summary>
    public required NodeImageDecision NodeImage { get; init; }
}
