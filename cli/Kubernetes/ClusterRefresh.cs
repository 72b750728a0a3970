using System.Globalization;
using SecretFleet.Cli.Commands;
using SecretFleet.Cli.Targets;
using SecretFleet.Kube;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.Kube.Watch;

namespace SecretFleet.Cli.Kubernetes;

/// <summary>
/// `refresh` on Kubernetes: sets <c>secretfleet.io/refresh-requested-at</c> (merge patch) and,
/// with --wait, watches the SecretCluster's status until the operator reports a refresh newer
/// than the request (committed) or an aborted one.
/// </summary>
internal sealed class ClusterRefresh(IKubeApi api, string @namespace, string name, TimeProvider time)
{
    public async Task<RefreshReport> RunAsync(RefreshRequest request, IProgress<RefreshProgress>? progress, CancellationToken cancellationToken)
    {
        // RFC 3339 at whole seconds, like every Kubernetes time; the operator compares it with status.lastRefreshTime.
        var requestedAt = TruncateToSeconds(time.GetUtcNow());
        var patch = KubePatch.Annotations([new(LabelsAndAnnotations.RefreshRequestedAt, Format(requestedAt))]) with { FieldManager = LabelsAndAnnotations.CliFieldManager };
        var patched = await KubernetesTarget.KubeCall(() => api.PatchAsync<SecretCluster>(@namespace, name, patch, cancellationToken), $"annotate SecretCluster {@namespace}/{name}").ConfigureAwait(false);
        var before = (ulong?)patched.Status?.Epoch;
        if (!request.Wait)
        {
            return new RefreshReport(false, false, null, before, null, null, 0, null, requestedAt);
        }
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(request.Timeout);
        var tracker = new RefreshTracker(requestedAt, before);
        var version = patched.Metadata.ResourceVersion;
        tracker.Observe(patched, progress);
        try
        {
            while (tracker.Result is null)
            {
                var sawExpiry = false;
                await foreach (var change in api.WatchAsync<SecretCluster>(@namespace, new WatchOptions { ResourceVersion = version, FieldSelector = $"metadata.name={name}", TimeoutSeconds = 60 }, deadline.Token).ConfigureAwait(false))
                {
                    if (change.Type == WatchEventType.Expired)
                    {
                        sawExpiry = true;
                        break;
                    }
                    version = change.ResourceVersion ?? version;
                    if (change.Type == WatchEventType.Deleted)
                    {
                        throw CliException.NotFound($"SecretCluster {@namespace}/{name} was deleted while waiting for its refresh.");
                    }
                    if (change.Object is { } cluster && change.Type != WatchEventType.Bookmark && tracker.Observe(cluster, progress) is not null)
                    {
                        break;
                    }
                }
                if (sawExpiry && tracker.Result is null)
                {
                    var current = await KubernetesTarget.KubeCall(() => api.GetAsync<SecretCluster>(@namespace, name, deadline.Token), $"read SecretCluster {@namespace}/{name}").ConfigureAwait(false)
                        ?? throw CliException.NotFound($"SecretCluster {@namespace}/{name} was deleted while waiting for its refresh.");
                    version = current.Metadata.ResourceVersion;
                    tracker.Observe(current, progress);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw CliException.Other($"The refresh of {@namespace}/{name} did not finish within {request.Timeout.TotalSeconds:0} s; check the operator (`kubectl describe secretcluster {name} -n {@namespace}`).");
        }
        return tracker.Result!;
    }

    internal static DateTimeOffset TruncateToSeconds(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);

    internal static string Format(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

/// <summary>Reads successive SecretCluster states and decides when the requested refresh is over.</summary>
internal sealed class RefreshTracker(DateTimeOffset requestedAt, ulong? epochBefore)
{
    private RefreshStatus? _lastSeen;

    public RefreshReport? Result { get; private set; }

    public RefreshReport? Observe(SecretCluster cluster, IProgress<RefreshProgress>? progress)
    {
        var status = cluster.Status;
        if (status?.Refresh is { } running)
        {
            _lastSeen = running;
            progress?.Report(new RefreshProgress(running.Phase?.ToString().ToLowerInvariant() ?? "starting", 0, 0));
            return null;
        }
        if (status?.LastRefreshTime is { } last && last >= requestedAt)
        {
            Result = new RefreshReport(true, true, _lastSeen?.Id, epochBefore, status.Epoch is { } e ? (ulong)e : null, null, 0, null, requestedAt);
        }
        else if (_lastSeen is { Decision: RefreshDecision.Abort } aborted)
        {
            Result = new RefreshReport(true, false, aborted.Id, epochBefore, epochBefore, aborted.Reason ?? "the operator aborted it", 0, null, requestedAt);
        }
        return Result;
    }
}
