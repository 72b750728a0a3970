using System.Net;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using k8s;
using k8s.Models;
using SecretFleet.Kube;
using SecretFleet.Kube.Models;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.Kube.Watch;
using WatchEventType = SecretFleet.Kube.Watch.WatchEventType;

namespace SecretFleet.Cli.Tests.Support;

/// <summary>
/// An in-memory API server for the calls the CLI makes: get, list (label equality), merge patch of
/// SecretCluster annotations, and watches fed by the test. It records every patch.
/// </summary>
internal sealed class FakeKubeApi : IKubeApi
{
    private readonly Dictionary<(string Plural, string? Namespace, string Name), IKubernetesObject<V1ObjectMeta>> _objects = [];
    private readonly Channel<WatchEvent<SecretCluster>> _clusterEvents = Channel.CreateUnbounded<WatchEvent<SecretCluster>>();

    public List<(string Namespace, string Name, KubePatch Patch)> Patches { get; } = [];

    /// <summary>Plurals whose reads answer 403.</summary>
    public HashSet<string> Forbidden { get; } = [];

    public FakeKubeApi Add<T>(T obj)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        _objects[(KubeResources.Of<T>().Plural, obj.Metadata.NamespaceProperty, obj.Metadata.Name!)] = obj;
        return this;
    }

    /// <summary>Sends a SecretCluster change to the running watch.</summary>
    public void Emit(WatchEventType type, SecretCluster cluster) => _clusterEvents.Writer.TryWrite(new WatchEvent<SecretCluster>(type, cluster));

    public Task<T?> GetAsync<T>(KubeResource resource, string? @namespace, string name, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ThrowIfForbidden(resource);
        return Task.FromResult(_objects.TryGetValue((resource.Plural, @namespace, name), out var found) ? (T)found : null);
    }

    public Task<KubeList<T>> ListAsync<T>(KubeResource resource, string? @namespace, ListOptions? options, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ThrowIfForbidden(resource);
        var selector = (options?.LabelSelector ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => s.Split('=')).ToArray();
        var items = _objects.Where(o => o.Key.Plural == resource.Plural && (@namespace is null || o.Key.Namespace == @namespace))
            .Select(o => (T)o.Value)
            .Where(o => selector.All(s => o.GetLabel(s[0]) == s[1]))
            .ToList();
        return Task.FromResult(new KubeList<T> { Items = items, Metadata = new V1ListMeta { ResourceVersion = "100" } });
    }

    public Task<T> PatchAsync<T>(KubeResource resource, string? @namespace, string name, KubePatch patch, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ThrowIfForbidden(resource);
        Patches.Add((@namespace!, name, patch));
        var cluster = (SecretCluster)_objects[(resource.Plural, @namespace, name)];
        var annotations = new Dictionary<string, string>(cluster.Metadata.Annotations ?? new Dictionary<string, string>());
        foreach (var (key, value) in patch.Body["metadata"]!["annotations"]!.AsObject())
        {
            annotations[key] = value!.GetValue<string>();
        }
        cluster = cluster with { Metadata = cluster.Metadata with { Annotations = annotations, ResourceVersion = "101" } };
        _objects[(resource.Plural, @namespace, name)] = cluster;
        return Task.FromResult((T)(IKubernetesObject<V1ObjectMeta>)cluster);
    }

    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(KubeResource resource, string? @namespace, WatchOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        await foreach (var change in _clusterEvents.Reader.ReadAllAsync(cancellationToken))
        {
            yield return (WatchEvent<T>)(object)change;
        }
    }

    public Task<T> CreateAsync<T>(KubeResource resource, T obj, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta> => throw new NotSupportedException();

    public Task<T> ReplaceAsync<T>(KubeResource resource, T obj, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta> => throw new NotSupportedException();

    public Task<bool> DeleteAsync(KubeResource resource, string? @namespace, string name, DeleteOptions? options, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task<T> ApplyAsync<T>(KubeResource resource, T obj, ApplyOptions options, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta> => throw new NotSupportedException();

    public Task<T> ApplyStatusAsync<T>(KubeResource resource, T obj, ApplyOptions options, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta> => throw new NotSupportedException();

    public Task<T> PatchStatusAsync<T>(KubeResource resource, string? @namespace, string name, KubePatch patch, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta> => throw new NotSupportedException();

    private void ThrowIfForbidden(KubeResource resource)
    {
        if (Forbidden.Contains(resource.Plural))
        {
            throw new KubeApiException($"{resource.Plural} is forbidden: User \"dev\" cannot get resource", HttpStatusCode.Forbidden);
        }
    }
}
