using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using SecretFleet.Kube;
using SecretFleet.Kube.CertManager;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.Kube.Watch;
using SecretFleet.Operator.Observability;
using SecretFleet.Operator.Queue;

namespace SecretFleet.Operator.Controller;

/// <summary>
/// Feeds the work queue: a list-watch of SecretClusters (one namespace or all), list-watches of the children
/// that carry the <c>secretfleet.io/cluster</c> label (Pods, Certificates, Secrets) mapped back to
/// their SecretCluster, and a periodic resync as a backstop. Runs the queue's workers until cancelled.
/// </summary>
internal sealed partial class SecretClusterController(IKubeApi api, ControllerSettings settings, WorkQueue queue, OperatorMetrics metrics, TimeProvider time, ILoggerFactory loggers)
{
    private readonly ConcurrentDictionary<ClusterKey, byte> _known = new();
    private readonly ILogger _log = loggers.CreateLogger<SecretClusterController>();
    private int _synced;

    /// <summary>True once the first list of SecretClusters completed (readiness).</summary>
    public bool Synced => Volatile.Read(ref _synced) == 1;

    /// <summary>Runs until cancelled; a watch loop that fails for good (a bug) stops everything and is rethrown.</summary>
    public async Task RunAsync(Func<string, CancellationToken, Task<ReconcileResult>> reconcile, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = stop.Token;
        var loops = new[]
        {
            Guard("SecretClusters", () => WatchClustersAsync(token), stop),
            Guard("Pods", () => WatchChildrenAsync<V1Pod>(KubeResources.Pods, token), stop),
            Guard("Certificates", () => WatchChildrenAsync<Certificate>(KubeResources.Certificates, token), stop),
            Guard("Secrets", () => WatchChildrenAsync<V1Secret>(KubeResources.Secrets, token), stop),
            Guard("resync", () => ResyncAsync(token), stop),
        };
        await queue.RunAsync(reconcile, token).ConfigureAwait(false);
        await Task.WhenAll(loops).ConfigureAwait(false);
    }

    private async Task WatchClustersAsync(CancellationToken cancellationToken)
    {
        var watch = new ListWatch<SecretCluster>(api, KubeResources.SecretClusters, settings.Namespace, Options(null), loggers.CreateLogger("SecretFleet.Operator.Watch.SecretClusters"));
        await foreach (var e in watch.RunAsync(cancellationToken).ConfigureAwait(false))
        {
            switch (e.Type)
            {
                case ListWatchEventType.Resynced:
                    _known.Clear();
                    foreach (var cluster in e.Snapshot)
                    {
                        Enqueue(ClusterKey.Of(cluster), remember: true);
                    }

                    Volatile.Write(ref _synced, 1);
                    LogSynced(_log, e.Snapshot.Count);
                    break;
                case ListWatchEventType.Deleted:
                    _known.TryRemove(ClusterKey.Of(e.Object!), out _);
                    queue.Add(ClusterKey.Of(e.Object!).ToString());
                    break;
                default:
                    Enqueue(ClusterKey.Of(e.Object!), remember: true);
                    break;
            }

            metrics.SetClusters(_known.Count);
        }
    }

    private async Task WatchChildrenAsync<T>(KubeResource resource, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var watch = new ListWatch<T>(api, resource, settings.Namespace, Options(LabelsAndAnnotations.Cluster), loggers.CreateLogger("SecretFleet.Operator.Watch." + resource.Kind));
        await foreach (var e in watch.RunAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var child in e.Type == ListWatchEventType.Resynced ? e.Snapshot : [e.Object!])
            {
                if (OwnerMapping.KeyOf(child) is { } key)
                {
                    Enqueue(key, remember: false);
                }
            }
        }
    }

    private async Task ResyncAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await Task.Delay(settings.ResyncPeriod, time, cancellationToken).ConfigureAwait(false);
            foreach (var key in _known.Keys)
            {
                queue.Add(key.ToString());
            }
        }
    }

    private void Enqueue(ClusterKey key, bool remember)
    {
        if (remember)
        {
            _known[key] = 0;
        }

        queue.Add(key.ToString());
    }

    private ListWatchOptions Options(string? labelSelector) => new()
    {
        LabelSelector = labelSelector,
        InitialBackoff = settings.WatchBackoff,
        TimeProvider = time,
    };

    /// <summary>A watch loop ends only by cancellation (the list-watch retries API failures forever); anything else stops the controller.</summary>
    private async Task Guard(string what, Func<Task> loop, CancellationTokenSource stop)
    {
        try
        {
            await Task.Run(loop, CancellationToken.None).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogLoopFailed(_log, what, e);
            await stop.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Listed {Count} SecretClusters")]
    private static partial void LogSynced(ILogger logger, int count);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "The {What} loop of the controller failed")]
    private static partial void LogLoopFailed(ILogger logger, string what, Exception exception);
}
