using System.Globalization;
using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// The emulator's etcd: objects per resource, one global resourceVersion counter, a change history that
/// watches resume from, and the live subscribers. Every method takes one lock, so a commit, its history
/// entry and its delivery to watchers are atomic and ordered.
/// </summary>
internal sealed class ObjectStore
{
    private const int MaxHistory = 50_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<GroupResource, SortedDictionary<string, StoredObject>> _objects = [];
    private readonly List<WatchEvent> _history = [];
    private readonly List<WatchSubscription> _subscribers = [];
    private long _revision = 1;
    private long _compactedRevision = 1;

    public long Revision
    {
        get
        {
            lock (_gate)
            {
                return _revision;
            }
        }
    }

    /// <summary>How many watches (HTTP watchers and in-process controllers) are open.</summary>
    public int SubscriberCount
    {
        get
        {
            lock (_gate)
            {
                return _subscribers.Count;
            }
        }
    }

    public StoredObject? Get(GroupResource resource, string? ns, string name)
    {
        lock (_gate)
        {
            return _objects.TryGetValue(resource, out var objects) && objects.TryGetValue(Key(ns, name), out var obj) ? obj : null;
        }
    }

    /// <summary>Objects of a resource (in one namespace, or all when <paramref name="ns"/> is null) and the revision they were read at.</summary>
    public (IReadOnlyList<StoredObject> Items, long Revision) List(GroupResource resource, string? ns)
    {
        lock (_gate)
        {
            var items = _objects.TryGetValue(resource, out var objects)
                ? objects.Values.Where(o => ns is null || o.Namespace == ns).ToList()
                : [];
            return (items, _revision);
        }
    }

    public IReadOnlyList<StoredObject> All()
    {
        lock (_gate)
        {
            return [.. _objects.Values.SelectMany(o => o.Values)];
        }
    }

    /// <summary>Stores (or, for <see cref="WatchEventType.Deleted"/>, removes) an object under the next resourceVersion.</summary>
    public StoredObject Commit(GroupResource resource, JsonObject obj, WatchEventType type)
    {
        lock (_gate)
        {
            var revision = ++_revision;
            ObjectMeta.Metadata(obj)["resourceVersion"] = revision.ToString(CultureInfo.InvariantCulture);
            var stored = StoredObject.From(resource, obj, revision);
            if (!_objects.TryGetValue(resource, out var objects))
            {
                objects = new SortedDictionary<string, StoredObject>(StringComparer.Ordinal);
                _objects[resource] = objects;
            }

            if (type == WatchEventType.Deleted)
            {
                objects.Remove(Key(stored.Namespace, stored.Name));
            }
            else
            {
                objects[Key(stored.Namespace, stored.Name)] = stored;
            }

            var change = new WatchEvent(type, resource, revision, stored);
            _history.Add(change);
            if (_history.Count > MaxHistory)
            {
                _compactedRevision = _history[MaxHistory / 2].ResourceVersion;
                _history.RemoveRange(0, MaxHistory / 2);
            }

            foreach (var subscriber in _subscribers)
            {
                if (subscriber.Matches(stored))
                {
                    subscriber.Offer(change);
                }
            }

            return stored;
        }
    }

    /// <summary>Forgets the change history, as etcd compaction does: a watch from an older revision gets 410 Gone.</summary>
    public void Compact()
    {
        lock (_gate)
        {
            _history.Clear();
            _compactedRevision = _revision;
        }
    }

    /// <summary>
    /// Starts a watch. Without a revision the watcher first gets every current object as ADDED; from a revision it
    /// gets every later change; a revision older than the compacted history is refused with 410 Gone.
    /// </summary>
    public (WatchSubscription? Subscription, ApiStatus? Error) Subscribe(Func<StoredObject, bool> filter, long? fromRevision)
    {
        lock (_gate)
        {
            if (fromRevision is { } from && from < _compactedRevision)
            {
                return (null, ApiStatus.Gone($"too old resource version: {from} ({_compactedRevision})"));
            }

            var subscription = new WatchSubscription(this, filter);
            if (fromRevision is { } since)
            {
                foreach (var change in _history.Where(h => h.ResourceVersion > since && filter(h.Object!)))
                {
                    subscription.Offer(change);
                }
            }
            else
            {
                foreach (var obj in _objects.Values.SelectMany(o => o.Values).Where(filter))
                {
                    subscription.Offer(new WatchEvent(WatchEventType.Added, obj.Resource, obj.ResourceVersion, obj));
                }
            }

            _subscribers.Add(subscription);
            return (subscription, null);
        }
    }

    /// <summary>Queues a BOOKMARK carrying the current revision behind everything already queued for the watcher.</summary>
    public void Bookmark(WatchSubscription subscription, GroupResource resource)
    {
        lock (_gate)
        {
            subscription.Offer(new WatchEvent(WatchEventType.Bookmark, resource, _revision, null));
        }
    }

    internal void Unsubscribe(WatchSubscription subscription)
    {
        lock (_gate)
        {
            _subscribers.Remove(subscription);
        }
    }

    private static string Key(string? ns, string name) => (ns ?? "") + "/" + name;
}
