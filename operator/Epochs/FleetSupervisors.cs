using System.Collections.Concurrent;
using SecretFleet.Operator.Controller;

namespace SecretFleet.Operator.Epochs;

/// <summary>One <see cref="FleetSupervisor"/> per SecretCluster, created on first use.</summary>
internal sealed class FleetSupervisors(FleetSupervisorContext context) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<ClusterKey, FleetSupervisor> _supervisors = new();

    public int Count => _supervisors.Count;

    public FleetSupervisor Get(ClusterKey key) => _supervisors.GetOrAdd(key, k => new FleetSupervisor(k, context));

    /// <summary>The supervisor's state, without creating one.</summary>
    public SupervisorSnapshot Snapshot(ClusterKey key) =>
        _supervisors.TryGetValue(key, out var supervisor) ? supervisor.Snapshot : SupervisorSnapshot.Initial;

    /// <summary>Stops and forgets the supervisor of a cluster that is gone (cancelling a running job).</summary>
    public async Task RemoveAsync(ClusterKey key)
    {
        if (_supervisors.TryRemove(key, out var supervisor))
        {
            await supervisor.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        var all = _supervisors.Values.ToList();
        _supervisors.Clear();
        await Task.WhenAll(all.Select(s => s.DisposeAsync().AsTask())).ConfigureAwait(false);
    }
}
