using Microsoft.Extensions.Logging;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Identity;
using SecretFleet.Core.Scheduling;

namespace SecretFleet.Cli.Local;

/// <summary>
/// The background coordinator of a local fleet (`kubectl-secrets local coordinator --dir D`,
/// started detached by `local up`). It finishes an operation a previous coordinator left open
/// (ResumeAsync), rebuilds the shares of nodes that lost theirs, then refreshes on the fleet's
/// interval. Every operation runs under the fleet's <see cref="RefreshLock"/>; the schedule
/// counts from the last refresh in refresh.json, so a refresh made by the CLI moves it too.
/// It logs to stdout (the coordinator.log file) and never logs a share or a secret.
/// </summary>
internal sealed partial class CoordinatorService(string directory, TimeProvider time)
{
    // Re-read refresh.json at least this often while waiting: the CLI may have refreshed meanwhile.
    private static readonly TimeSpan WaitSlice = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(1);

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        using var loggers = LoggerFactory.Create(logging => logging
            .AddSimpleConsole(console => { console.SingleLine = true; console.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff "; })
            .SetMinimumLevel(LogLevel.Information));
        var log = loggers.CreateLogger<CoordinatorService>();
        var fleet = FleetManifest.Load(Path.GetFullPath(directory));
        var schedule = RefreshSchedule.FromInterval(fleet.RefreshInterval);
        var retryDelay = schedule.Interval!.Value < MaxRetryDelay ? schedule.Interval.Value : MaxRetryDelay;
        using var coordinator = new LocalFleetCoordinator(fleet, time, loggers);

        // Ready before any network work, so `local up` is not held up by a slow resume or rebuild.
        Console.Out.WriteLine($"{CoordinatorLauncher.ReadyText} pid={Environment.ProcessId} fleet={fleet.FleetId}");
        await Console.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
        LogStarted(log, fleet.FleetId, fleet.Nodes.Count, fleet.Threshold, schedule.ToString());

        if (fleet.PendingShape is { } pending)
        {
            // Its view is the old shape; refreshing or rebuilding now would fight the resharing's decision.
            var waiting = $"a resharing to {pending.Threshold}-of-{pending.Nodes} did not finish; run `kubectl secrets local scale --nodes {pending.Nodes} --threshold {pending.Threshold}` to finish it";
            new CoordinatorState(null, time.GetUtcNow(), waiting).Save(fleet.Directory);
            LogPendingResharing(log, waiting);
            await Task.Delay(Timeout.InfiniteTimeSpan, time, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            return 0;
        }
        var started = time.GetUtcNow();
        var maintained = false;
        DateTimeOffset? retryAt = null;
        string? lastError = null;
        try
        {
            while (!cancellationToken.IsCancellationRequested && File.Exists(FleetManifest.PathIn(fleet.Directory)))
            {
                var history = RefreshHistory.Load(fleet.Directory);
                var now = time.GetUtcNow();
                var due = schedule.NextAfter(history.LastRefresh ?? started, now);
                if (retryAt is { } retry && retry > due)
                {
                    due = retry;
                }
                if (!maintained)
                {
                    due = retryAt ?? now; // start-up work first: resume, rebuild lost nodes
                }
                new CoordinatorState(maintained ? due : null, now, lastError).Save(fleet.Directory);
                if (due > now)
                {
                    await Task.Delay(due - now < WaitSlice ? due - now : WaitSlice, time, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                using var held = await RefreshLock.AcquireAsync(fleet.Directory, TimeSpan.FromHours(1), () => LogWaitingForLock(log), time, cancellationToken).ConfigureAwait(false);
                if (maintained && RefreshHistory.Load(fleet.Directory).LastRefresh != history.LastRefresh)
                {
                    continue; // the CLI refreshed while we waited for the lock
                }
                try
                {
                    await MaintainAsync(coordinator, log, cancellationToken).ConfigureAwait(false);
                    if (maintained)
                    {
                        var outcome = await LocalRefreshRun.RunAsync(coordinator, null, time, cancellationToken).ConfigureAwait(false);
                        LogRefreshed(log, outcome.OperationId, outcome.Decision, outcome.Epoch, outcome.Reason);
                        lastError = outcome.Committed ? null : $"refresh {outcome.OperationId} aborted: {outcome.Reason}";
                    }
                    maintained = true;
                    retryAt = lastError is null ? null : time.GetUtcNow() + retryDelay;
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    lastError = e.Message;
                    retryAt = time.GetUtcNow() + retryDelay;
                    LogFailed(log, e.Message, retryAt.Value);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // SIGTERM from `local down`: an operation in flight stays in operation.json and is resumed next time.
        }
        LogStopped(log);
        return 0;
    }

    /// <summary>Finishes an open operation, then rebuilds every reachable node that is not a member (lost data).</summary>
    private static async Task MaintainAsync(LocalFleetCoordinator coordinator, ILogger log, CancellationToken cancellationToken)
    {
        if (await coordinator.ResumeAsync(cancellationToken).ConfigureAwait(false) is { } resumed)
        {
            LogResumed(log, resumed.OperationId, resumed.Decision);
        }
        foreach (var x in await coordinator.EnsureMembershipAsync(allowFormation: false, cancellationToken).ConfigureAwait(false))
        {
            var outcome = await coordinator.RecoverAsync(x, cancellationToken).ConfigureAwait(false);
            LogRebuilt(log, NodeIndex.OrdinalOf(x), outcome.Decision, outcome.Reason);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Coordinating local fleet {FleetId}: {Nodes} nodes, threshold {Threshold}, refresh every {Schedule}")]
    private static partial void LogStarted(ILogger logger, string fleetId, int nodes, int threshold, string schedule);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Refresh {OperationId}: {Decision}, epoch {Epoch} {Reason}")]
    private static partial void LogRefreshed(ILogger logger, string operationId, OperationDecision decision, ulong epoch, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Scheduled work failed ({Error}); retrying at {RetryAt:o}")]
    private static partial void LogFailed(ILogger logger, string error, DateTimeOffset retryAt);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Resumed operation {OperationId}: {Decision}")]
    private static partial void LogResumed(ILogger logger, string operationId, OperationDecision decision);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Rebuilt the shares of node-{Ordinal}: {Decision} {Reason}")]
    private static partial void LogRebuilt(ILogger logger, int ordinal, OperationDecision decision, string reason);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Waiting for the refresh lock (the CLI is refreshing)")]
    private static partial void LogWaitingForLock(ILogger logger);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "Not refreshing: {Reason}")]
    private static partial void LogPendingResharing(ILogger logger, string reason);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "Coordinator stopped")]
    private static partial void LogStopped(ILogger logger);
}
