using k8s.Models;
using SecretFleet.Kube;
using SecretFleet.Kube.Client;
using SecretFleet.Kube.Watch;
using EmulatorOptions = SecretFleet.KubeEmulator.EmulatorOptions;
using EmulatorWorld = SecretFleet.KubeEmulator.EmulatorWorld;

namespace SecretFleet.Cluster.Tests.ClientTests;

/// <summary>Our watch over the official client's, against the emulator: bookmarks arrive, a compacted version is a value.</summary>
public sealed class WatchThroughClientTests : IAsyncLifetime
{
    private EmulatorWorld _world = null!;
    private KubernetesApi _api = null!;

    public async Task InitializeAsync()
    {
        _world = await EmulatorWorld.StartAsync(new EmulatorOptions { BookmarkInterval = TimeSpan.FromMilliseconds(200) });
        _api = KubernetesApi.Create(KubeClientConfiguration.Load(_world.Kubeconfig));
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        await _world.DisposeAsync();
    }

    [Fact]
    public async Task A_watch_from_the_list_version_sees_later_changes_and_bookmarks()
    {
        var listed = (await _api.ListAsync<V1ConfigMap>(KubeResources.ConfigMaps, "default", null, default)).Metadata.ResourceVersion;
        await CreateAsync("one");

        var events = await CollectAsync(new WatchOptions { ResourceVersion = listed, TimeoutSeconds = 2 });

        Assert.Contains(events, e => e.Type == WatchEventType.Added && e.Object!.Metadata.Name == "one");
        Assert.Contains(events, e => e.Type == WatchEventType.Bookmark);
    }

    [Fact]
    public async Task A_watch_from_before_compaction_yields_Expired_and_ends()
    {
        var stale = (await _api.ListAsync<V1ConfigMap>(KubeResources.ConfigMaps, "default", null, default)).Metadata.ResourceVersion;
        await CreateAsync("before");
        _world.Emulator.Compact();

        var events = await CollectAsync(new WatchOptions { ResourceVersion = stale, TimeoutSeconds = 5 });

        var expired = Assert.Single(events);
        Assert.Equal(WatchEventType.Expired, expired.Type);
        Assert.Equal(410, expired.Status?.Code);
    }

    private Task CreateAsync(string name) =>
        _api.CreateAsync(KubeResources.ConfigMaps, new V1ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" }, Data = new Dictionary<string, string> { ["k"] = "v" } }, default);

    private async Task<List<WatchEvent<V1ConfigMap>>> CollectAsync(WatchOptions options)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var events = new List<WatchEvent<V1ConfigMap>>();
        await foreach (var e in _api.WatchAsync<V1ConfigMap>(KubeResources.ConfigMaps, "default", options, deadline.Token))
        {
            events.Add(e);
        }

        return events;
    }
}
