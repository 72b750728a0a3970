using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Operator.Reconciliation;

/// <summary>Records Kubernetes Events on a SecretCluster. Best effort: a failed write is logged, never thrown.</summary>
internal interface IEventRecorder
{
    Task RecordAsync(SecretCluster regarding, EventSeverity severity, string reason, string action, string note, CancellationToken cancellationToken);
}

internal enum EventSeverity
{
    Normal,
    Warning,
}
