using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using SecretFleet.Kube;
using SecretFleet.Kube.Json;
using SecretFleet.Kube.Models;
using SecretFleet.Kube.Watch;

namespace SecretFleet.Operator.Tests.Support;

/// <summary>One request the fake API was asked, in RBAC terms (verb, resource, subresource), and a delete's propagation policy.</summary>
internal sealed record ApiCall(string Verb, KubeResource Resource, string? Namespace, string Name, string? Subresource = null, string? Propagation = null)
{
    public override string ToString() => $"{Verb} {Resource}{(Subresource is null ? "" : "/" + Subresource)} {Namespace}/{Name}";
}

/// <summary>
/// An in-memory API server for unit tests: objects as JSON, resourceVersions, uids, generations, finalizers,
/// optimistic concurrency, merge patches and a simple server-side apply (the applied object replaces
/// everything but status). No garbage collection, no admission. It records every call in <see cref="Calls"/>
/// and can be told to fail calls (<see cref="FailWhen"/>).
/// </summary>
internal sealed partial class FakeKubeApi(TimeProvider? time = null) : IKubeApi
{
    private readonly Lock _sync = new();
    private readonly Dictionary<(string Resource, string Namespace, string Name), JsonObject> _objects = [];
    private readonly List<ApiCall> _calls = [];
    private readonly TimeProvider _clock = time ?? TimeProvider.System;
    private readonly AsyncLocal<bool> _quiet = new();
    private long _revision = 100;

    /// <summary>Return an exception to make the call fail (before it changes anything).</summary>
    public Func<ApiCall, KubeApiException?>? FailWhen { get; set; }

    public IReadOnlyList<ApiCall> Calls
    {
        get
        {
            lock (_sync)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>Calls made in this async flow until disposal are not recorded (a test arranging the world, not the operator).</summary>
    public IDisposable Quiet()
    {
        _quiet.Value = true;
        return new Unquiet(this);
    }

    public void ClearCalls()
    {
        lock (_sync)
        {
            _calls.Clear();
        }
    }

    public IReadOnlyList<ApiCall> Writes => [.. Calls.Where(c => c.Verb is not ("get" or "list" or "watch"))];

    /// <summary>Puts an object in place as if it had been created (uid, resourceVersion assigned).</summary>
    public T Seed<T>(KubeResource resource, T obj)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        lock (_sync)
        {
            var json = ToJson(resource, obj);
            Stamp(json, null);
            _objects[Key(resource, obj.Metadata.NamespaceProperty, obj.Metadata.Name!)] = Canonical(json);
            return FromJson<T>(json);
        }
    }

    public T Seed<T>(T obj)
        where T : class, IKubernetesObject<V1ObjectMeta> => Seed(KubeResources.Of<T>(), obj);

    /// <summary>Puts an object in place from its JSON, every field as given (an older operator's objects, which our models may not all type).</summary>
    public void Seed(KubeResource resource, JsonObject obj)
    {
        lock (_sync)
        {
            var json = (JsonObject)obj.DeepClone();
            Stamp(json, null);
            _objects[Key(resource, (string?)json["metadata"]!["namespace"], (string)json["metadata"]!["name"]!)] = Canonical(json);
        }
    }

    public JsonObject? Raw(KubeResource resource, string? ns, string name)
    {
        lock (_sync)
        {
            return _objects.TryGetValue(Key(resource, ns, name), out var json) ? (JsonObject)json.DeepClone() : null;
        }
    }

    public IReadOnlyList<JsonObject> All(KubeResource resource)
    {
        lock (_sync)
        {
            return [.. _objects.Where(o => o.Key.Resource == resource.ToString()).Select(o => (JsonObject)o.Value.DeepClone())];
        }
    }

    /// <summary>Sets status of an object directly (what another controller would write).</summary>
    public void SetStatus(KubeResource resource, string? ns, string name, JsonNode status) =>
        Change(resource, ns, name, json => json["status"] = status.DeepClone());

    /// <summary>What the scheduler does: binds a pod to a host (<c>spec.nodeName</c>).</summary>
    public void Bind(string? ns, string pod, string host) =>
        Change(KubeResources.Pods, ns, pod, json => json["spec"]!["nodeName"] = host);

    /// <summary>Another controller's write: the stored object changed in place, with a new resourceVersion.</summary>
    private void Change(KubeResource resource, string? ns, string name, Action<JsonObject> change)
    {
        lock (_sync)
        {
            var json = _objects[Key(resource, ns, name)];
            change(json);
            Bump(json);
            _objects[Key(resource, ns, name)] = Canonical(json);
        }
    }

    /// <summary>What cert-manager does: every Certificate Ready for its generation.</summary>
    /// <summary>What cert-manager does: every Certificate becomes Ready, and a CA Certificate's Secret holds a CA.</summary>
    public void IssueCertificates()
    {
        var authorities = new List<V1Secret>();
        lock (_sync)
        {
            foreach (var key in _objects.Keys.Where(k => k.Resource == KubeResources.Certificates.ToString()).ToList())
            {
                var json = _objects[key];
                if (json["spec"]?["isCA"]?.GetValue<bool>() == true && !_objects.ContainsKey(Key(KubeResources.Secrets, key.Namespace, (string)json["spec"]!["secretName"]!)))
                {
                    var labels = json["spec"]?["secretTemplate"]?["labels"]?.AsObject().ToDictionary(l => l.Key, l => (string)l.Value!);
                    authorities.Add(TestAuthority.Secret(key.Namespace, (string)json["spec"]!["secretName"]!, labels));
                }

                json["status"] = new JsonObject
                {
                    ["conditions"] = new JsonArray(new JsonObject
                    {
                        ["type"] = "Ready", ["status"] = "True", ["reason"] = "Ready", ["message"] = "issued",
                        ["observedGeneration"] = json["metadata"]!["generation"]!.DeepClone(),
                    }),
                };
                Bump(json);
                _objects[key] = Canonical(json);
            }
        }

        foreach (var authority in authorities)
        {
            Seed(authority);
        }
    }

    public Task<T?> GetAsync<T>(KubeResource resource, string? @namespace, string name, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        lock (_sync)
        {
            Record(new ApiCall("get", resource, @namespace, name));
            return Task.FromResult(_objects.TryGetValue(Key(resource, @namespace, name), out var json) ? FromJson<T>(json) : null);
        }
    }

    public Task<KubeList<T>> ListAsync<T>(KubeResource resource, string? @namespace, ListOptions? options, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        lock (_sync)
        {
            Record(new ApiCall("list", resource, @namespace, ""));
            var items = _objects
                .Where(o => o.Key.Resource == resource.ToString() && (@namespace is null || o.Key.Namespace == @namespace))
                .Where(o => Matches(o.Value, options?.LabelSelector))
                .OrderBy(o => o.Key.Name, StringComparer.Ordinal)
                .Select(o => FromJson<T>(o.Value))
                .ToList();
            return Task.FromResult(new KubeList<T> { Items = items, Metadata = new V1ListMeta { ResourceVersion = _revision.ToString(System.Globalization.CultureInfo.InvariantCulture) } });
        }
    }

    public Task<T> CreateAsync<T>(KubeResource resource, T obj, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        lock (_sync)
        {
            var key = Key(resource, obj.Metadata.NamespaceProperty, obj.Metadata.Name!);
            Record(new ApiCall("create", resource, obj.Metadata.NamespaceProperty, obj.Metadata.Name!));
            if (_objects.ContainsKey(key))
            {
                throw Error(HttpStatusCode.Conflict, "AlreadyExists", $"{resource} \"{obj.Metadata.Name}\" already exists");
            }

            var json = ToJson(resource, obj);
            Stamp(json, null);
            _objects[key] = Canonical(json);
            return Task.FromResult(FromJson<T>(json));
        }
    }

    public Task<T> ReplaceAsync<T>(KubeResource resource, T obj, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        lock (_sync)
        {
            var key = Key(resource, obj.Metadata.NamespaceProperty, obj.Metadata.Name!);
            Record(new ApiCall("update", resource, obj.Metadata.NamespaceProperty, obj.Metadata.Name!));
            var live = _objects.TryGetValue(key, out var found) ? found : throw Error(HttpStatusCode.NotFound, "NotFound", "not found");
            CheckVersion(live, obj.Metadata.ResourceVersion);
            var json = ToJson(resource, obj);
            Stamp(json, live);
            json["status"] = live["status"]?.DeepClone();
            Commit(key, json);
            return Task.FromResult(FromJson<T>(json));
        }
    }

    public Task<bool> DeleteAsync(KubeResource resource, string? @namespace, string name, DeleteOptions? options, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            var key = Key(resource, @namespace, name);
            Record(new ApiCall("delete", resource, @namespace, name, Propagation: options?.PropagationPolicy));
            if (!_objects.TryGetValue(key, out var live))
            {
                return Task.FromResult(false);
            }

            if (options?.PreconditionUid is { } uid && uid != (string?)live["metadata"]!["uid"])
            {
                throw Error(HttpStatusCode.Conflict, "Conflict", "precondition failed: uid");
            }

            if (live["metadata"]!["finalizers"] is JsonArray { Count: > 0 })
            {
                live["metadata"]!["deletionTimestamp"] ??= JsonSerializer.SerializeToNode(_clock.GetUtcNow(), KubeJson.Options);
                Bump(live);
            }
            else
            {
                _objects.Remove(key);
            }

            return Task.FromResult(true);
        }
    }

    public Task<T> ApplyAsync<T>(KubeResource resource, T obj, ApplyOptions options, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        lock (_sync)
        {
            var key = Key(resource, obj.Metadata.NamespaceProperty, obj.Metadata.Name!);
            Record(new ApiCall("patch", resource, obj.Metadata.NamespaceProperty, obj.Metadata.Name!));
            var json = ToJson(resource, obj);
            if (!_objects.TryGetValue(key, out var live))
            {
                // Server-side apply that creates needs create permission as well.
                Record(new ApiCall("create", resource, obj.Metadata.NamespaceProperty, obj.Metadata.Name!));
                Stamp(json, null);
                _objects[key] = Canonical(json);
                return Task.FromResult(FromJson<T>(json));
            }

            Stamp(json, live);
            json["status"] = live["status"]?.DeepClone();
            Commit(key, json);
            return Task.FromResult(FromJson<T>(_objects[key]));
        }
    }

    public Task<T> ApplyStatusAsync<T>(KubeResource resource, T obj, ApplyOptions options, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        throw new NotSupportedException("The operator writes status with merge patches.");

    public Task<T> PatchAsync<T>(KubeResource resource, string? @namespace, string name, KubePatch patch, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta> => Patch<T>(resource, @namespace, name, patch, null);

    public Task<T> PatchStatusAsync<T>(KubeResource resource, string? @namespace, string name, KubePatch patch, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta> => Patch<T>(resource, @namespace, name, patch, "status");

    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(KubeResource resource, string? @namespace, WatchOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        lock (_sync)
        {
            Record(new ApiCall("watch", resource, @namespace, ""));
        }

        await Task.Delay(Timeout.Infinite, cancellationToken);
        yield break;
    }

    private Task<T> Patch<T>(KubeResource resource, string? ns, string name, KubePatch patch, string? subresource)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        lock (_sync)
        {
            var key = Key(resource, ns, name);
            Record(new ApiCall("patch", resource, ns, name, subresource));
            if (patch.Type != KubePatchType.Merge)
            {
                throw new NotSupportedException("The fake API takes merge patches only.");
            }

            var live = _objects.TryGetValue(key, out var found) ? found : throw Error(HttpStatusCode.NotFound, "NotFound", $"{resource} \"{name}\" not found");
            CheckVersion(live, (string?)patch.Body["metadata"]?["resourceVersion"]);
            var patched = (JsonObject)JsonMerge.Apply(live, patch.Body)!;
            JsonObject json;
            if (subresource == "status")
            {
                json = (JsonObject)live.DeepClone();
                json["status"] = patched["status"]?.DeepClone();
            }
            else
            {
                json = patched;
                json["status"] = live["status"]?.DeepClone();
                Stamp(json, live);
            }

            Commit(key, json);
            return Task.FromResult(FromJson<T>(_objects.TryGetValue(key, out var after) ? after : json));
        }
    }
}
