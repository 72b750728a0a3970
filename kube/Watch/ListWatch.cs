using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SecretFleet.Core.Retry;
using SecretFleet.Kube.Models;

namespace SecretFleet.Kube.Watch;

/// <summary>
/// List, then watch from the list's resourceVersion; on 410 list again; on any failure reconnect with
/// jittered, capped backoff; forever, until cancelled. Keeps the last known objects so that a relist can
/// report what was deleted while no watch was running.
/// </summary>
public sealed partial class ListWatch<T>(
    IKubeApi api,
    KubeResource resource,
    string? @namespace,
    ListWatchOptions? options = null,
    ILogger? log = null)
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly ListWatchOptions _options = options ?? new ListWatchOptions();
    private readonly ILogger _log = log ?? NullLogger.Instance;

    public async IAsyncEnumerable<ListWatchEvent<T>> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var backoff = new Backoff(_options.InitialBackoff, _options.MaxBackoff, jitter: 0.5);
        var failures = 0;
        var known = new Dictionary<string, T>(StringComparer.Ordinal);
        string? version = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (version is null)
            {
                var (list, listError) = await TryListAsync(cancellationToken).ConfigureAwait(false);
                if (list is null)
                {
                    var delay = backoff.Delay(++failures);
                    LogListFailed(_log, resource.ToString(), delay.TotalSeconds, listError!);
                    await Task.Delay(delay, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                failures = 0;
                version = list.Metadata.ResourceVersion;
                var fresh = new Dictionary<string, T>(StringComparer.Ordinal);
                foreach (var item in list.Items)
                {
                    fresh[Key(item)] = item;
                }

                foreach (var (key, gone) in known)
                {
                    if (!fresh.ContainsKey(key))
                    {
                        yield return new ListWatchEvent<T>(ListWatchEventType.Deleted, gone, []);
                    }
                }

                known = fresh;
                LogListed(_log, resource.ToString(), list.Items.Count, version);
                yield return new ListWatchEvent<T>(ListWatchEventType.Resynced, null, list.Items);
            }

            var watchOptions = new WatchOptions
            {
                ResourceVersion = version,
                LabelSelector = _options.LabelSelector,
                FieldSelector = _options.FieldSelector,
                TimeoutSeconds = WatchTimeoutSeconds(),
            };
            var events = 0;
            KubeApiException? failure = null;
            var enumerator = api.WatchAsync<T>(resource, @namespace, watchOptions, cancellationToken).GetAsyncEnumerator(cancellationToken);
            await using (enumerator.ConfigureAwait(false))
            {
                while (true)
                {
                    bool more;
                    (more, failure) = await TryMoveNextAsync(enumerator).ConfigureAwait(false);
                    if (!more)
                    {
                        break;
                    }

                    events++;
                    var ev = enumerator.Current;
                    if (ev.Type == WatchEventType.Expired)
                    {
                        LogExpired(_log, resource.ToString(), version);
                        version = null;
                        break;
                    }

                    version = ev.ResourceVersion ?? version;
                    if (ev.Type == WatchEventType.Bookmark || ev.Object is null)
                    {
                        continue;
                    }

                    failures = 0;
                    var key = Key(ev.Object);
                    if (ev.Type == WatchEventType.Deleted)
                    {
                        known.Remove(key);
                        yield return new ListWatchEvent<T>(ListWatchEventType.Deleted, ev.Object, []);
                    }
                    else
                    {
                        known[key] = ev.Object;
                        yield return new ListWatchEvent<T>(
                            ev.Type == WatchEventType.Added ? ListWatchEventType.Added : ListWatchEventType.Modified, ev.Object, []);
                    }
                }
            }

            // A watch the server ended normally after some events reconnects at once; a failed or empty one
            // waits, so a server that keeps closing streams cannot make us spin.
            if (failure is not null || (events == 0 && version is not null))
            {
                var delay = backoff.Delay(++failures);
                if (failure is not null)
                {
                    LogWatchFailed(_log, resource.ToString(), delay.TotalSeconds, failure);
                }

                await Task.Delay(delay, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<(KubeList<T>? List, KubeApiException? Error)> TryListAsync(CancellationToken cancellationToken)
    {
        try
        {
            var listOptions = new ListOptions { LabelSelector = _options.LabelSelector, FieldSelector = _options.FieldSelector };
            return (await api.ListAsync<T>(resource, @namespace, listOptions, cancellationToken).ConfigureAwait(false), null);
        }
        catch (KubeApiException e)
        {
            return (null, e);
        }
    }

    private static async Task<(bool More, KubeApiException? Error)> TryMoveNextAsync(IAsyncEnumerator<WatchEvent<T>> enumerator)
    {
        try
        {
            return (await enumerator.MoveNextAsync().ConfigureAwait(false), null);
        }
        catch (KubeApiException e)
        {
            return (false, e);
        }
    }

    private int WatchTimeoutSeconds()
    {
        var min = Math.Max(1, (int)_options.MinWatchTimeout.TotalSeconds);
        return min + RandomNumberGenerator.GetInt32(min);
    }

    private static string Key(T item) => $"{item.Metadata?.NamespaceProperty}/{item.Metadata?.Name}";

    [LoggerMessage(EventId = 110, Level = LogLevel.Debug, Message = "Listed {Resource}: {Count} objects at resourceVersion {ResourceVersion}")]
    private static partial void LogListed(ILogger logger, string resource, int count, string? resourceVersion);

    [LoggerMessage(EventId = 111, Level = LogLevel.Warning, Message = "Listing {Resource} failed; retrying in {Seconds:0.##} s")]
    private static partial void LogListFailed(ILogger logger, string resource, double seconds, Exception exception);

    [LoggerMessage(EventId = 112, Level = LogLevel.Information, Message = "Watch of {Resource} failed; reconnecting in {Seconds:0.##} s")]
    private static partial void LogWatchFailed(ILogger logger, string resource, double seconds, Exception exception);

    [LoggerMessage(EventId = 113, Level = LogLevel.Debug, Message = "Watch of {Resource} from resourceVersion {ResourceVersion} expired; re-listing")]
    private static partial void LogExpired(ILogger logger, string resource, string? resourceVersion);
}
