using Microsoft.Extensions.Logging;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// Runs each registered controller on its own loop: the current state first (as ADDED events), then every later
/// change in batches. A failing reconcile is logged and retried after a short backoff with the same wake-up.
/// Controllers that own resources (the kubelet's processes) are disposed once every loop has stopped.
/// </summary>
internal sealed partial class ControllerHost(ObjectStore store, TimeProvider time, ILogger logger) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private readonly List<IEmulatedController> _controllers = [];

    public void Start(IEmulatedController controller)
    {
        var (subscription, _) = store.Subscribe(o => controller.Watches(o.Resource), null);
        lock (_loops)
        {
            _controllers.Add(controller);
            _loops.Add(Task.Run(() => RunAsync(controller, subscription!, _stop.Token)));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        Task[] loops;
        lock (_loops)
        {
            loops = [.. _loops];
        }

        await Task.WhenAll(loops);
        foreach (var owner in _controllers.OfType<IAsyncDisposable>())
        {
            await owner.DisposeAsync();
        }

        _stop.Dispose();
    }

    private async Task RunAsync(IEmulatedController controller, WatchSubscription subscription, CancellationToken cancellationToken)
    {
        using var _ = subscription;
        var backoff = TimeSpan.FromMilliseconds(50);
        try
        {
            while (await subscription.Events.WaitToReadAsync(cancellationToken))
            {
                var batch = new List<WatchEvent>();
                while (subscription.Events.TryRead(out var change))
                {
                    batch.Add(change);
                }

                while (true)
                {
                    try
                    {
                        await controller.ReconcileAsync(batch, cancellationToken);
                        backoff = TimeSpan.FromMilliseconds(50);
                        break;
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        LogReconcileFailed(logger, controller.Name, e);
                        await Task.Delay(backoff, time, cancellationToken);
                        backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The emulator is shutting down.
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Emulated controller {Controller} failed a reconcile; retrying")]
    private static partial void LogReconcileFailed(ILogger logger, string controller, Exception exception);
}
