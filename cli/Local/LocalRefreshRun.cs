using SecretFleet.Core.Identity;
using SecretFleet.Cli.Commands;
using SecretFleet.Core.Epochs;

namespace SecretFleet.Cli.Local;

/// <summary>One refresh of a local fleet by whoever holds the lock (the CLI or the coordinator), recorded in refresh.json.</summary>
internal static class LocalRefreshRun
{
    public static async Task<OperationOutcome> RunAsync(LocalFleetCoordinator coordinator, IProgress<OperationProgress>? progress, TimeProvider time, CancellationToken cancellationToken)
    {
        var directory = coordinator.Fleet.Directory;
        var epochs = await coordinator.EpochsAsync(cancellationToken).ConfigureAwait(false);
        var silent = epochs.Where(e => e.Value is null).Select(e => e.Key).ToArray();
        if (silent.Length > 0)
        {
            var message = $"A refresh needs every node, and {NodeIndex.Describe(silent)} {(silent.Length == 1 ? "does" : "do")} not answer; start {(silent.Length == 1 ? "it" : "them")} with `kubectl secrets local up` and retry.";
            Record(directory, time, null, "failed", message);
            throw new CliException(ExitCodes.NotEnoughNodes, message);
        }
        OperationOutcome outcome;
        try
        {
            outcome = await coordinator.RefreshAsync(progress, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationRefusedException e)
        {
            Record(directory, time, null, "failed", e.Message);
            throw;
        }
        Record(directory, time, outcome, outcome.Committed ? "commit" : "abort", outcome.Reason);
        return outcome;
    }

    private static void Record(string directory, TimeProvider time, OperationOutcome? outcome, string result, string? reason)
    {
        var now = time.GetUtcNow();
        var history = RefreshHistory.Load(directory);
        history = history with
        {
            LastAttempt = now,
            LastRefresh = outcome is { Committed: true } ? now : history.LastRefresh,
            LastOperationId = outcome?.OperationId ?? history.LastOperationId,
            LastResult = result,
            LastReason = string.IsNullOrEmpty(reason) ? null : reason,
            Epoch = outcome?.Epoch ?? history.Epoch,
        };
        history.Save(directory);
    }
}
