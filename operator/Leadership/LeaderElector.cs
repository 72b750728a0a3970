using Microsoft.Extensions.Logging;
using SecretFleet.Kube;
using SecretFleet.Kube.Models;

namespace SecretFleet.Operator.Leadership;

/// <summary>
/// Leader election on a coordination.k8s.io Lease. Expiry is judged by when this replica last saw the lease
/// change on its own clock, never by the holder's renewTime, so clock skew between replicas cannot make two
/// leaders. Writes are optimistic (resourceVersion), so two candidates never both win one round.
/// </summary>
internal sealed partial class LeaderElector(IKubeApi api, LeaderElectionSettings settings, TimeProvider time, ILogger log)
{
    private LeaseSpec? _observed;
    private DateTimeOffset _observedAt;
    private volatile bool _leader;

    public bool IsLeader => _leader;

    /// <summary>
    /// Waits for the lease, then runs <paramref name="leading"/> while renewing it. Returns after
    /// <paramref name="cancellationToken"/> is cancelled (releasing the lease for a quick hand-over) or when
    /// <paramref name="leading"/> returns; throws <see cref="LeadershipLostException"/> when renewal fails for
    /// longer than the renew deadline (after cancelling <paramref name="leading"/>), and rethrows its failure.
    /// </summary>
    public async Task RunAsync(Func<CancellationToken, Task> leading, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(leading);
        await AcquireAsync(cancellationToken).ConfigureAwait(false);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _leader = true;
        LogAcquired(log, settings.LeaseNamespace, settings.LeaseName, settings.Identity);
        var work = Task.Run(() => leading(stop.Token), CancellationToken.None);
        bool kept;
        try
        {
            kept = await RenewAsync(work, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await work.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _leader = false;
        }

        if (!kept)
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

    private async Task AcquireAsync(CancellationToken cancellationToken)
    {
        LogWaiting(log, settings.LeaseNamespace, settings.LeaseName, settings.Identity);
        while (true)
        {
            if (await TryAttemptAsync(cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            await Task.Delay(settings.RetryPeriod, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Renews until the work ends or we are cancelled (true), or renewal fails past the deadline (false).</summary>
    private async Task<bool> RenewAsync(Task work, CancellationToken cancellationToken)
    {
        var renewed = time.GetUtcNow();
        while (true)
        {
            var delay = Task.Delay(settings.RetryPeriod, time, cancellationToken);
            if (await Task.WhenAny(delay, work).ConfigureAwait(false) == work || cancellationToken.IsCancellationRequested)
            {
                return true;
            }

            if (await TryAttemptAsync(cancellationToken).ConfigureAwait(false))
            {
                renewed = time.GetUtcNow();
            }
            else if (time.GetUtcNow() - renewed >= settings.RenewDeadline)
            {
                return false;
            }
        }
    }

    /// <summary>One acquire-or-renew round, bounded by the renew deadline; API failures count as "not this time".</summary>
    private async Task<bool> TryAttemptAsync(CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(settings.RenewDeadline, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            return await TryAcquireOrRenewAsync(linked.Token).ConfigureAwait(false);
        }
        catch (KubeApiException e)
        {
            LogAttemptFailed(log, settings.LeaseNamespace, settings.LeaseName, e.Message);
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogAttemptFailed(log, settings.LeaseNamespace, settings.LeaseName, "the API server did not answer in time");
            return false;
        }
    }

    internal async Task<bool> TryAcquireOrRenewAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var lease = await api.GetAsync<Lease>(settings.LeaseNamespace, settings.LeaseName, cancellationToken).ConfigureAwait(false);
        if (lease is null)
        {
            try
            {
                var created = await api.CreateAsync(new Lease
                {
                    Metadata = new ObjectMeta { Name = settings.LeaseName, Namespace = settings.LeaseNamespace },
                    Spec = Mine(acquired: now, now, transitions: 0),
                }, cancellationToken).ConfigureAwait(false);
                Observe(created.Spec, now);
                return true;
            }
            catch (KubeApiException e) when (e.IsAlreadyExists)
            {
                return false;
            }
        }

        var spec = lease.Spec;
        if (!Same(spec, _observed))
        {
            Observe(spec, now);
        }

        var mine = spec.HolderIdentity == settings.Identity;
        if (!mine && !string.IsNullOrEmpty(spec.HolderIdentity) && _observedAt + TimeSpan.FromSeconds(spec.LeaseDurationSeconds ?? 0) > now)
        {
            return false;
        }

        var next = mine
            ? Mine(spec.AcquireTime ?? now, now, spec.LeaseTransitions ?? 0)
            : Mine(now, now, (spec.LeaseTransitions ?? 0) + 1);
        try
        {
            var replaced = await api.ReplaceAsync(lease with { Metadata = lease.Metadata with { ManagedFields = null }, Spec = next }, cancellationToken).ConfigureAwait(false);
            Observe(replaced.Spec, now);
            if (!mine)
            {
                LogTakenOver(log, settings.LeaseNamespace, settings.LeaseName, spec.HolderIdentity ?? "nobody");
            }

            return true;
        }
        catch (KubeApiException e) when (e.IsConflict)
        {
            return false;
        }
    }

    /// <summary>Gives the lease up on a clean stop, so a standby takes over at once instead of after the lease duration.</summary>
    private async Task ReleaseAsync()
    {
        using var timeout = new CancellationTokenSource(settings.RenewDeadline, time);
        try
        {
            var lease = await api.GetAsync<Lease>(settings.LeaseNamespace, settings.LeaseName, timeout.Token).ConfigureAwait(false);
            if (lease?.Spec.HolderIdentity != settings.Identity)
            {
                return;
            }

            var released = lease.Spec with { HolderIdentity = "", LeaseDurationSeconds = 1, RenewTime = time.GetUtcNow() };
            await api.ReplaceAsync(lease with { Metadata = lease.Metadata with { ManagedFields = null }, Spec = released }, timeout.Token).ConfigureAwait(false);
            LogReleased(log, settings.LeaseNamespace, settings.LeaseName);
        }
        catch (Exception e) when (e is KubeApiException or OperationCanceledException)
        {
            LogAttemptFailed(log, settings.LeaseNamespace, settings.LeaseName, $"release failed: {e.Message}");
        }
    }

    private LeaseSpec Mine(DateTimeOffset acquired, DateTimeOffset renewed, int transitions) => new()
    {
        HolderIdentity = settings.Identity,
        LeaseDurationSeconds = (int)Math.Ceiling(settings.LeaseDuration.TotalSeconds),
        AcquireTime = acquired,
        RenewTime = renewed,
        LeaseTransitions = transitions,
    };

    private void Observe(LeaseSpec spec, DateTimeOffset now)
    {
        _observed = spec;
        _observedAt = now;
    }

    private static bool Same(LeaseSpec a, LeaseSpec? b) =>
        b is not null && a.HolderIdentity == b.HolderIdentity && a.RenewTime == b.RenewTime && a.AcquireTime == b.AcquireTime
        && a.LeaseTransitions == b.LeaseTransitions && a.LeaseDurationSeconds == b.LeaseDurationSeconds;

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Waiting for the leader lease {Namespace}/{Name} as {Identity}")]
    private static partial void LogWaiting(ILogger logger, string @namespace, string name, string identity);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "Acquired the leader lease {Namespace}/{Name} as {Identity}")]
    private static partial void LogAcquired(ILogger logger, string @namespace, string name, string identity);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Information, Message = "Took the leader lease {Namespace}/{Name} over from {Previous}, whose lease expired")]
    private static partial void LogTakenOver(ILogger logger, string @namespace, string name, string previous);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Error, Message = "Lost the leader lease {Namespace}/{Name}; stopping")]
    private static partial void LogLost(ILogger logger, string @namespace, string name);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Information, Message = "Released the leader lease {Namespace}/{Name}")]
    private static partial void LogReleased(ILogger logger, string @namespace, string name);

    [LoggerMessage(EventId = 6006, Level = LogLevel.Debug, Message = "Leader lease {Namespace}/{Name}: {Error}")]
    private static partial void LogAttemptFailed(ILogger logger, string @namespace, string name, string error);
}
