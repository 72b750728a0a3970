using k8s;
using k8s.Autorest;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Microsoft.Extensions.Logging;

namespace SecretFleet.Operator.Leadership;

/// <summary>
/// Leader election on a coordination.k8s.io Lease with the official client's <c>k8s.LeaderElection</c>
/// (a <see cref="LeaseLock"/>; expiry judged by when this replica last saw the lease change, as client-go does).
/// What is ours: running the leader's work under the lease, stopping it when the lease is lost, and giving the
/// lease up on a clean stop so a standby takes over at once instead of after the lease duration.
/// </summary>
internal sealed partial class LeaderElector(IKubernetes client, LeaderElectionSettings settings, ILogger log)
{
    private volatile bool _leader;

    public bool IsLeader => _leader;

    /// <summary>
    /// Waits for the lease, then runs <paramref name="leading"/> while the library renews it. Returns after
    /// <paramref name="cancellationToken"/> is cancelled (releasing the lease) or when <paramref name="leading"/>
    /// returns; throws <see cref="LeadershipLostException"/> when renewal fails for longer than the renew deadline
    /// (after cancelling <paramref name="leading"/>), and rethrows its failure.
    /// </summary>
    public async Task RunAsync(Func<CancellationToken, Task> leading, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(leading);
        var config = new LeaderElectionConfig(new LeaseLock(client, settings.LeaseNamespace, settings.LeaseName, settings.Identity))
        {
            LeaseDuration = settings.LeaseDuration,
            RenewDeadline = settings.RenewDeadline,
            RetryPeriod = settings.RetryPeriod,
        };
        using var elector = new k8s.LeaderElection.LeaderElector(config);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        elector.OnStartedLeading += () => started.TrySetResult();
        elector.OnError += e => LogAttemptFailed(log, settings.LeaseNamespace, settings.LeaseName, e.Message);

        LogWaiting(log, settings.LeaseNamespace, settings.LeaseName, settings.Identity);
        using var electing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var election = elector.RunUntilLeadershipLostAsync(electing.Token);
        if (await Task.WhenAny(started.Task, election).ConfigureAwait(false) != started.Task)
        {
            // The election ended before we led: cancelled (rethrown here), or the library gave up.
            await election.ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            throw new LeadershipLostException($"Leader election on {settings.LeaseNamespace}/{settings.LeaseName} ended before this replica led.");
        }

        _leader = true;
        LogAcquired(log, settings.LeaseNamespace, settings.LeaseName, settings.Identity);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var work = Task.Run(() => leading(stop.Token), CancellationToken.None);
        var lost = await Task.WhenAny(election, work).ConfigureAwait(false) == election && !cancellationToken.IsCancellationRequested;
        await stop.CancelAsync().ConfigureAwait(false);
        await work.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await electing.CancelAsync().ConfigureAwait(false);
        await election.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _leader = false;

        if (lost)
        {
            LogLost(log, settings.LeaseNamespace, settings.LeaseName);
            throw new LeadershipLostException($"Lost the leader lease {settings.LeaseNamespace}/{settings.LeaseName}: it could not be renewed for {settings.RenewDeadline.TotalSeconds:0} s.");
        }

        await ReleaseAsync().ConfigureAwait(false);
        if (work.IsFaulted)
        {
            await work.ConfigureAwait(false);
        }
    }

    /// <summary>The library does not release on stop; an empty holder lets a standby take the lease at once.</summary>
    private async Task ReleaseAsync()
    {
        using var timeout = new CancellationTokenSource(settings.RenewDeadline);
        try
        {
            var lease = await client.CoordinationV1.ReadNamespacedLeaseAsync(settings.LeaseName, settings.LeaseNamespace, cancellationToken: timeout.Token).ConfigureAwait(false);
            if (lease.Spec?.HolderIdentity != settings.Identity)
            {
                return;
            }

            lease.Metadata.ManagedFields = null;
            lease.Spec.HolderIdentity = "";
            lease.Spec.LeaseDurationSeconds = 1;
            lease.Spec.RenewTime = DateTime.UtcNow;
            await client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, settings.LeaseName, settings.LeaseNamespace, cancellationToken: timeout.Token).ConfigureAwait(false);
            LogReleased(log, settings.LeaseNamespace, settings.LeaseName);
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or IOException or OperationCanceledException)
        {
            LogAttemptFailed(log, settings.LeaseNamespace, settings.LeaseName, $"release failed: {e.Message}");
        }
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Waiting for the leader lease {Namespace}/{Name} as {Identity}")]
    private static partial void LogWaiting(ILogger logger, string @namespace, string name, string identity);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "Acquired the leader lease {Namespace}/{Name} as {Identity}")]
    private static partial void LogAcquired(ILogger logger, string @namespace, string name, string identity);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Error, Message = "Lost the leader lease {Namespace}/{Name}; stopping")]
    private static partial void LogLost(ILogger logger, string @namespace, string name);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Information, Message = "Released the leader lease {Namespace}/{Name}")]
    private static partial void LogReleased(ILogger logger, string @namespace, string name);

    [LoggerMessage(EventId = 6006, Level = LogLevel.Debug, Message = "Leader lease {Namespace}/{Name}: {Error}")]
    private static partial void LogAttemptFailed(ILogger logger, string @namespace, string name, string error);
}
