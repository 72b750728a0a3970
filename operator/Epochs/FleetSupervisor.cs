using Microsoft.Extensions.Logging;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Retry;
using SecretFleet.Kube;
using SecretFleet.Operator.Controller;
using SecretFleet.Operator.Observability;
using SecretFleet.Operator.Reconciliation;

namespace SecretFleet.Operator.Epochs;

/// <summary>Everything a <see cref="FleetSupervisor"/> needs from its host.</summary>
internal sealed record FleetSupervisorContext(
    IKubeApi Api,
    IFleetCoordinatorFactory Coordinators,
    IEventRecorder Events,
    OperatorMetrics Metrics,
    TimeProvider Time,
    ILogger Log,
    Action<ClusterKey> Finished)
{
    /// <summary>First delay after a failed job; doubles per consecutive failure up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// Runs the long fleet operations of one SecretCluster (resume, formation, share recovery, refresh) as one
/// background job at a time, so a refresh of millions of shares never holds a work-queue worker. The
/// reconcile starts jobs with <see cref="TryStart"/> and reads <see cref="Snapshot"/>; a finished job
/// puts the cluster's key back on the queue so its status catches up.
/// </summary>
internal sealed partial class FleetSupervisor(ClusterKey key, FleetSupervisorContext context) : IAsyncDisposable
{
    private readonly Lock _sync = new();
    private readonly CancellationTokenSource _stopping = new();
    private SupervisorSnapshot _state = SupervisorSnapshot.Initial;
    private Task _running = Task.CompletedTask;
    private int _consecutiveFailures;
    private bool _disposed;

    public ClusterKey Key => key;

    public SupervisorSnapshot Snapshot
    {
        get
        {
            lock (_sync)
            {
                return _state;
            }
        }
    }

    /// <summary>Starts <paramref name="job"/> unless a job runs, the supervisor stopped, or a failure's backoff has not passed.</summary>
    public bool TryStart(FleetJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        lock (_sync)
        {
            if (_disposed || _state.Busy || (_state.RetryNotBefore is { } notBefore && context.Time.GetUtcNow() < notBefore))
            {
                return false;
            }

            _state = _state with { Busy = true, Activity = "connecting to the nodes", Refreshing = false };
            _running = Task.Run(() => RunAsync(job, _stopping.Token), CancellationToken.None);
            return true;
        }
    }

    /// <summary>Cancels a running job and waits for it (used when the SecretCluster goes away with Delete).</summary>
    public async ValueTask DisposeAsync()
    {
        Task job;
        lock (_sync)
        {
            _disposed = true;
            job = _running;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await job.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }

    private async Task RunAsync(FleetJob job, CancellationToken cancellationToken)
    {
        FleetFailure? failure = null;
        try
        {
            failure = await new FleetJobRun(job, context, this).ExecuteAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LogCancelled(context.Log, key.ToString());
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bug or an unexpected fault must not kill the supervisor: it is reported and retried with backoff.
            LogJobFailed(context.Log, key.ToString(), e);
            failure = new FleetFailure(FleetFailureArea.Connect, $"The operator failed while working on the fleet: {e.Message}", context.Time.GetUtcNow());
        }
        finally
        {
            Finish(failure);
        }

        if (!cancellationToken.IsCancellationRequested)
        {
            context.Finished(key);
        }
    }

    private void Finish(FleetFailure? failure)
    {
        lock (_sync)
        {
            DateTimeOffset? retry = null;
            if (failure is null)
            {
                _consecutiveFailures = 0;
            }
            else
            {
                _consecutiveFailures++;
                retry = context.Time.GetUtcNow() + new Backoff(context.RetryDelay, context.MaxRetryDelay).Delay(_consecutiveFailures);
            }

            _state = _state with { Busy = false, Activity = null, Refreshing = false, Failure = failure, RetryNotBefore = retry };
        }
    }

    internal void SetActivity(string activity, bool refreshing = false)
    {
        lock (_sync)
        {
            _state = _state with { Activity = activity, Refreshing = refreshing };
        }
    }

    internal void SetMembers(IReadOnlyDictionary<int, string> members)
    {
        lock (_sync)
        {
            _state = _state with { Members = members };
        }
    }

    internal void RefreshFinished(OperationOutcome outcome, string? honouredRequest)
    {
        lock (_sync)
        {
            _state = _state with { LastRefresh = outcome, HandledRequest = honouredRequest ?? _state.HandledRequest };
        }
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Fleet work on {Cluster} cancelled")]
    private static partial void LogCancelled(ILogger logger, string cluster);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Error, Message = "Fleet work on {Cluster} failed unexpectedly; retrying with backoff")]
    private static partial void LogJobFailed(ILogger logger, string cluster, Exception exception);
}
