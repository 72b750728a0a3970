using System.Globalization;
using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator.Tests;

[Trait("Category", "Cluster")]
public sealed class WatchTests : IAsyncLifetime
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";
    private EmulatorWorld _world = null!;

    public async Task InitializeAsync() => _world = await EmulatorWorld.StartAsync(new EmulatorOptions { BookmarkInterval = TimeSpan.FromMilliseconds(200) });

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Watch_from_a_list_revision_sees_later_changes_in_order()
    {
        var listed = await ListRevisionAsync();
        await CreateAsync("one");
        await CreateAsync("two");
        await DeleteAsync("one");

        var events = await WatchAsync($"{ConfigMaps}?watch=true&resourceVersion={listed}", count: 3);

        Assert.Equal(["ADDED one", "ADDED two", "DELETED one"], events.Select(e => $"{Type(e)} {Name(e)}"));
        var revisions = events.Select(e => long.Parse(e["object"]!["metadata"]!["resourceVersion"]!.GetValue<string>(), CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(revisions.Order(), revisions);
    }

    [Fact]
    public async Task Watch_from_before_compaction_gets_410_gone_and_a_relist_resumes()
    {
        var stale = await ListRevisionAsync();
        await CreateAsync("before");
        _world.Emulator.Compact();

        var gone = Assert.Single(await WatchAsync($"{ConfigMaps}?watch=true&resourceVersion={stale}", count: 2));
        Assert.Equal("ERROR", Type(gone));
        Assert.Equal(410, gone["object"]!["code"]!.GetValue<int>());
        Assert.Equal("Expired", gone["object"]!["reason"]!.GetValue<string>());
        Assert.Equal("Status", gone["object"]!["kind"]!.GetValue<string>());

        var relisted = await _world.GetAsync(ConfigMaps);
        Assert.Contains(relisted["items"]!.AsArray(), i => i!["metadata"]!["name"]!.GetValue<string>() == "before");
        var fresh = relisted["metadata"]!["resourceVersion"]!.GetValue<string>();
        await CreateAsync("after");
        var resumed = await WatchAsync($"{ConfigMaps}?watch=true&resourceVersion={fresh}", count: 1);
        Assert.Equal(["ADDED after"], resumed.Select(e => $"{Type(e)} {Name(e)}"));
    }

    [Fact]
    public async Task Watch_with_bookmarks_allowed_receives_bookmarks_carrying_the_revision()
    {
        var listed = await ListRevisionAsync();

        var events = await WatchAsync($"{ConfigMaps}?watch=true&allowWatchBookmarks=true&resourceVersion={listed}", count: 1);

        var bookmark = Assert.IsType<JsonObject>(Assert.Single(events, e => Type(e) == "BOOKMARK")["object"]);
        Assert.Equal("ConfigMap", bookmark["kind"]!.GetValue<string>());
        Assert.Equal(listed, bookmark["metadata"]!["resourceVersion"]!.GetValue<string>());
        Assert.DoesNotContain(await WatchAsync($"{ConfigMaps}?watch=true&resourceVersion={listed}&timeoutSeconds=1"), e => Type(e) == "BOOKMARK");
    }

    [Fact]
    public async Task Watch_without_revision_starts_with_the_current_objects_filtered_by_label()
    {
        await CreateAsync("a-other", "tier: web");
        await CreateAsync("b-match", "tier: db");

        var events = await WatchAsync($"{ConfigMaps}?watch=true&labelSelector=tier%20in%20(db)", count: 1);

        Assert.Equal(["ADDED b-match"], events.Select(e => $"{Type(e)} {Name(e)}"));
    }

    [Fact]
    public async Task Kubectl_get_watch_prints_a_change_made_while_it_watches()
    {
        await CreateAsync("watched");
        var store = _world.Emulator.Service.Store;
        var watchersBefore = store.SubscriberCount;
        var watching = _world.Kubectl.RunAsync("get configmaps --watch --request-timeout=2s");
        await EmulatorWorld.EventuallyAsync(() => Task.FromResult(store.SubscriberCount > watchersBefore), "kubectl is watching");

        var (code, _, _) = await _world.SendAsync(HttpMethod.Patch, $"{ConfigMaps}/watched", """{"data":{"n":"1"}}""", "application/merge-patch+json");
        Assert.Equal(200, code);

        var output = (await watching).Stdout;

        Assert.Matches(@"watched\s+0\s+\d+s", output);
        Assert.Matches(@"watched\s+1\s+\d+s", output);
    }

    private async Task<string> ListRevisionAsync() =>
        (await _world.GetAsync(ConfigMaps))["metadata"]!["resourceVersion"]!.GetValue<string>();

    private async Task CreateAsync(string name, string labels = "")
    {
        var metadata = new JsonObject { ["name"] = name };
        if (labels.Length > 0)
        {
            var (key, value) = (labels.Split(": ")[0], labels.Split(": ")[1]);
            metadata["labels"] = new JsonObject { [key] = value };
        }

        var body = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["metadata"] = metadata };
        var (code, status, _) = await _world.SendAsync(HttpMethod.Post, ConfigMaps, body.ToJsonString());
        Assert.True(code == 201, status?.ToJsonString());
    }

    private async Task DeleteAsync(string name) =>
        Assert.Equal(200, (await _world.SendAsync(HttpMethod.Delete, $"{ConfigMaps}/{name}")).Code);

    /// <summary>Reads a watch stream until <paramref name="count"/> events arrived or it ended (its timeoutSeconds).</summary>
    private async Task<List<JsonObject>> WatchAsync(string path, int count = int.MaxValue)
    {
        using var response = await _world.Http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var events = new List<JsonObject>();
        while (events.Count < count && await reader.ReadLineAsync() is { } line)
        {
            events.Add(JsonNode.Parse(line)!.AsObject());
        }

        return events;
    }

    private static string Type(JsonObject e) => e["type"]!.GetValue<string>();

    private static string Name(JsonObject e) => e["object"]!["metadata"]!["name"]!.GetValue<string>();
}
