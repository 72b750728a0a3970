using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// The emulated kubelet (and scheduler) of the one node: binds every unscheduled pod to the node, runs a
/// <see cref="PodWorker"/> per bound pod, passes graceful deletions on to it, and kills the pods whose objects are gone.
/// Disposing it kills every container process it started.
/// </summary>
internal sealed class Kubelet(KubeletContext context, string? temporaryRoot) : IEmulatedController, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, PodWorker> _workers = new(StringComparer.Ordinal);
    private bool _disposed;

    public string Name => "kubelet";

    /// <summary>Where pod directories (<c>pods/UID</c>) and claim volumes (<c>volumes/UID</c>) live.</summary>
    public string RootDirectory => context.RootDirectory;

    public bool Watches(GroupResource resource) =>
        resource == BuiltInResources.Pods || resource == BuiltInResources.Secrets || resource == BuiltInResources.ConfigMaps
        || resource == BuiltInResources.PersistentVolumeClaims;

    /// <summary>The worker of the pod now called <paramref name="name"/> (for logs and tests).</summary>
    public PodWorker? Find(string ns, string name) =>
        _workers.Values.Where(w => w.Namespace == ns && w.Name == name).OrderBy(w => w.Terminating).FirstOrDefault();

    public async Task ReconcileAsync(IReadOnlyList<WatchEvent> changes, CancellationToken cancellationToken)
    {
        var pods = context.Service.Registry.Find(BuiltInResources.Pods)!;
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var stored in context.Service.Store.List(BuiltInResources.Pods, null).Items)
        {
            var pod = stored.Parse();
            var nodeName = Json.String(pod["spec"]?["nodeName"]);
            if (string.IsNullOrEmpty(nodeName) && !stored.Deleting && Json.String(pod["spec"]?["schedulerName"]) is null or "default-scheduler")
            {
                await context.Service.MutateAsync(pods, stored.Namespace, stored.Name, null, obj =>
                {
                    if (ObjectMeta.Uid(obj) != stored.Uid || obj["spec"] is not JsonObject spec || Json.String(spec["nodeName"]) is { Length: > 0 })
                    {
                        return false;
                    }

                    spec["nodeName"] = context.Options.NodeName;
                    return true;
                }, "default-scheduler", cancellationToken);
                continue;
            }

            if (nodeName != context.Options.NodeName)
            {
                continue;
            }

            present.Add(stored.Uid);
            if (_disposed)
            {
                continue;
            }

            var worker = _workers.GetOrAdd(stored.Uid, _ =>
            {
                var created = new PodWorker(context, pod);
                created.Start();
                return created;
            });
            if (stored.Deleting)
            {
                worker.Terminate(TimeSpan.FromSeconds(Json.TryInteger(pod["metadata"]?["deletionGracePeriodSeconds"], out var grace) ? grace : 0));
            }
            else
            {
                worker.Notify();
            }
        }

        foreach (var gone in _workers.Keys.Where(uid => !present.Contains(uid)).ToList())
        {
            if (_workers.TryRemove(gone, out var worker))
            {
                await worker.DisposeAsync();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        var workers = _workers.Values.ToList();
        _workers.Clear();
        await Task.WhenAll(workers.Select(w => w.DisposeAsync().AsTask()));
        context.Probes.Dispose();
        context.Addresses.Dispose();
        if (temporaryRoot is not null)
        {
            VolumeDirectories.DeleteTree(temporaryRoot);
        }
    }
}
