using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SecretFleet.Operator.Controller;
using SecretFleet.Operator.Epochs;
using SecretFleet.Operator.Leadership;
using SecretFleet.Operator.Observability;
using SecretFleet.Operator.Queue;
using SecretFleet.Operator.Reconciliation;

namespace SecretFleet.Operator.Hosting;

/// <summary>
/// The operator's work, started and stopped by the host: hold the lease (with leader election), then watch
/// SecretClusters and reconcile them until stopped. When it stops on its own (the lease was lost, a fatal
/// fault) it records why in <see cref="Completion"/> and stops the host, so that the process exits 1.
/// </summary>
internal sealed partial class ControllerService(
    SecretClusterController controller,
    SecretClusterReconciler reconciler,
    FleetSupervisors supervisors,
    OperatorMetrics metrics,
    LeaderElector? elector,
    IHostApplicationLifetime lifetime,
    ILogger<ControllerService> log) : BackgroundService
{
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _reconciles;

    /// <summary>Ends when the work stops: successfully when the host stopped it, faulted when it stopped on its own.</summary>
    public Task Completion => _completion.Task;

    public bool IsLeader => elector is null || elector.IsLeader;

    /// <summary>Ready: a standby waiting for the lease, or a leader whose first list of SecretClusters completed.</summary>
    public bool IsReady => !Completion.IsCompleted && (elector is not null && !IsLeader || controller.Synced);

    public long Reconciles => Interlocked.Read(ref _reconciles);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Exception? failure = null;
        try
        {
            if (elector is not null)
            {
                await elector.RunAsync(LeadAsync, stoppingToken).ConfigureAwait(false);
            }
            else
            {
                await LeadAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LogStopped(log, e.Message);
            failure = e;
        }

        metrics.SetLeader(false);

        // Running refreshes are cancelled: their record stays in status and the next leader resumes them.
        await supervisors.DisposeAsync().ConfigureAwait(false);
        if (failure is null)
        {
            _completion.TrySetResult();
        }
        else
        {
            _completion.TrySetException(failure);
            lifetime.StopApplication();
        }
    }

    private async Task LeadAsync(CancellationToken cancellationToken)
    {
        metrics.SetLeader(true);
        await controller.RunAsync(ReconcileAsync, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return await reconciler.ReconcileAsync(key, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Increment(ref _reconciles);
        }
    }

    [LoggerMessage(EventId = 7002, Level = LogLevel.Error, Message = "The operator stopped: {Reason}")]
    private static partial void LogStopped(ILogger logger, string reason);
}
