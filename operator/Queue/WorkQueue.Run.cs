using Microsoft.Extensions.Logging;

namespace SecretFleet.Operator.Queue;

/// <summary>The worker side of <see cref="WorkQueue"/>: N workers calling the reconciler.</summary>
internal sealed partial class WorkQueue
{
    /// <summary>
    /// Runs <see cref="WorkQueueOptions.Workers"/> workers until <paramref name="cancellationToken"/>
    /// is cancelled. Reconciles in flight get the same token; the call returns, without throwing,
    /// once every one of them has finished and no new one will start.
    /// </summary>
    public async Task RunAsync(Func<string, CancellationToken, Task<ReconcileResult>> reconcile, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reconcile);
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            throw new InvalidOperationException($"Work queue '{_options.Name}' is already running; call RunAsync once.");
        }

        var workers = new Task[_options.Workers];
        for (var i = 0; i < workers.Length; i++)
        {
            workers[i] = Task.Run(() => WorkAsync(reconcile, cancellationToken), CancellationToken.None);
        }

        try
        {
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        finally
        {
            ShutDown();
        }
    }

    private async Task WorkAsync(Func<string, CancellationToken, Task<ReconcileResult>> reconcile, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            string? key;
            try
            {
                key = await GetAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            if (key is null)
            {
                return;
            }

            try
            {
                await ReconcileOneAsync(key, reconcile, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Done(key);
            }
        }
    }

    private async Task ReconcileOneAsync(
        string key, Func<string, CancellationToken, Task<ReconcileResult>> reconcile, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        string outcome;
        try
        {
            var result = await reconcile(key, cancellationToken).ConfigureAwait(false);
            outcome = Apply(key, result);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: the key is dropped with the rest of the queue; a new leader relists.
            outcome = "cancelled";
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var delay = AddRateLimited(key);
            LogReconcileThrew(_logger, _options.Name, key, delay, e);
            outcome = "error";
        }

        _metrics.Finished(outcome, _time.GetElapsedTime(started));
    }

    private string Apply(string key, ReconcileResult result)
    {
        switch (result.Outcome)
        {
            case ReconcileOutcome.Success:
                Forget(key);
                return "success";
            case ReconcileOutcome.Requeue:
                Forget(key);
                AddAfter(key, result.RequeueAfter!.Value);
                return "requeue";
            default:
                var delay = AddRateLimited(key);
                LogReconcileFailed(_logger, _options.Name, key, result.Reason!, Failures(key), delay);
                return "failure";
        }
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning,
        Message = "Reconcile of {Key} (queue {Queue}) failed: {Reason}; attempt {Failures}, retrying in {Delay}")]
    private static partial void LogReconcileFailed(ILogger logger, string queue, string key, string reason, int failures, TimeSpan delay);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error,
        Message = "Reconcile of {Key} (queue {Queue}) threw; retrying in {Delay}")]
    private static partial void LogReconcileThrew(ILogger logger, string queue, string key, TimeSpan delay, Exception exception);
}
