using SecretFleet.Kube.SecretClusters;
using SecretFleet.Operator.Reconciliation;

namespace SecretFleet.Operator.Tests.Support;

/// <summary>An event recorder that keeps what it was given.</summary>
internal sealed class RecordingEvents : IEventRecorder
{
    private readonly Lock _sync = new();
    private readonly List<(EventSeverity Severity, string Reason, string Note)> _recorded = [];

    public IReadOnlyList<(EventSeverity Severity, string Reason, string Note)> Recorded
    {
        get
        {
            lock (_sync)
            {
                return [.. _recorded];
            }
        }
    }

    public IReadOnlyList<string> Reasons => [.. Recorded.Select(r => r.Reason)];

    public Task RecordAsync(SecretCluster regarding, EventSeverity severity, string reason, string action, string note, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            _recorded.Add((severity, reason, note));
        }

        return Task.CompletedTask;
    }
}
