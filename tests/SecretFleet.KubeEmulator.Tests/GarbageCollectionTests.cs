using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator.Tests;

[Trait("Category", "Cluster")]
public sealed class GarbageCollectionTests : IAsyncLifetime
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";
    private EmulatorWorld _world = null!;

    public async Task InitializeAsync() => _world = await EmulatorWorld.StartAsync();

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Deleting_an_owner_collects_its_dependents_and_theirs()
    {
        var owner = await CreateAsync("owner");
        var child = await CreateAsync("child", owner);
        await CreateAsync("grandchild", child);
        await CreateAsync("bystander");

        await _world.Kubectl.SucceedAsync("delete configmap owner");

        await EmulatorWorld.EventuallyAsync(async () => (await NamesAsync()).SequenceEqual(["bystander"]), "only the bystander is left");
    }

    [Fact]
    public async Task A_dependent_with_a_surviving_second_owner_is_kept()
    {
        var first = await CreateAsync("first");
        var second = await CreateAsync("second");
        await CreateAsync("shared", first, second);

        await _world.Kubectl.SucceedAsync("delete configmap first");

        await EmulatorWorld.EventuallyAsync(async () => !(await NamesAsync()).Contains("first"), "the owner is gone");
        Assert.Contains("shared", await NamesAsync());
    }

    [Fact]
    public async Task A_finalizer_holds_deletion_until_it_is_removed()
    {
        await _world.Kubectl.SucceedAsync("apply -f -", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: held, finalizers: [example.com/hold]}\n");

        await _world.Kubectl.SucceedAsync("delete configmap held --wait=false");

        var held = JsonNode.Parse(await _world.Kubectl.SucceedAsync("get configmap held -o json"))!;
        Assert.False(string.IsNullOrEmpty(held["metadata"]!["deletionTimestamp"]?.GetValue<string>()));
        Assert.Equal("example.com/hold", held["metadata"]!["finalizers"]![0]!.GetValue<string>());
        var refused = await _world.Kubectl.RunAsync("patch configmap held --type=merge -p '{\"metadata\":{\"deletionTimestamp\":null}}'");
        Assert.Equal(0, refused.ExitCode);
        Assert.NotNull(JsonNode.Parse(await _world.Kubectl.SucceedAsync("get configmap held -o json"))!["metadata"]!["deletionTimestamp"]);

        await _world.Kubectl.SucceedAsync("patch configmap held --type=json -p '[{\"op\":\"remove\",\"path\":\"/metadata/finalizers\"}]'");

        Assert.Contains("NotFound", (await _world.Kubectl.RunAsync("get configmap held")).Stderr);
    }

    [Fact]
    public async Task Foreground_deletion_removes_dependents_before_the_owner()
    {
        var owner = await CreateAsync("owner");
        await CreateAsync("child", owner, finalizer: "example.com/slow");

        await _world.Kubectl.SucceedAsync("delete configmap owner --cascade=foreground --wait=false");

        await EmulatorWorld.EventuallyAsync(async () => (await _world.GetAsync($"{ConfigMaps}/child"))["metadata"]!["deletionTimestamp"] is not null, "the child is being deleted");
        var waiting = await _world.GetAsync($"{ConfigMaps}/owner");
        Assert.Contains("foregroundDeletion", waiting["metadata"]!["finalizers"]!.AsArray().Select(f => f!.GetValue<string>()));
        await _world.SendAsync(HttpMethod.Patch, $"{ConfigMaps}/child", """{"metadata":{"finalizers":null}}""", "application/merge-patch+json");
        await EmulatorWorld.EventuallyAsync(async () => (await NamesAsync()).Count == 0, "owner and child are gone");
    }

    [Fact]
    public async Task Orphan_deletion_keeps_dependents_and_drops_their_owner_reference()
    {
        var owner = await CreateAsync("owner");
        await CreateAsync("child", owner);

        await _world.Kubectl.SucceedAsync("delete configmap owner --cascade=orphan");

        await EmulatorWorld.EventuallyAsync(async () => (await NamesAsync()).SequenceEqual(["child"]), "only the orphan is left");
        Assert.Null((await _world.GetAsync($"{ConfigMaps}/child"))["metadata"]!["ownerReferences"]);
    }

    [Fact]
    public async Task Deleting_a_namespace_deletes_its_contents_then_the_namespace()
    {
        await _world.Kubectl.SucceedAsync("create namespace scratch");
        await _world.Kubectl.SucceedAsync("apply -n scratch -f -", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: inside}\n");

        await _world.Kubectl.SucceedAsync("delete namespace scratch --timeout=10s");

        Assert.Contains("NotFound", (await _world.Kubectl.RunAsync("get namespace scratch")).Stderr);
        Assert.Empty((await _world.GetAsync("/api/v1/namespaces/scratch/configmaps"))["items"]!.AsArray());
    }

    [Fact]
    public async Task Creating_in_a_terminating_namespace_is_forbidden()
    {
        await _world.Kubectl.SucceedAsync("create namespace closing");
        await _world.Kubectl.SucceedAsync("apply -n closing -f -", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: held, finalizers: [example.com/hold]}\n");
        await _world.Kubectl.SucceedAsync("delete namespace closing --wait=false");

        var (code, status, _) = await _world.SendAsync(HttpMethod.Post, "/api/v1/namespaces/closing/configmaps",
            """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"late"}}""");

        Assert.Equal(403, code);
        Assert.Equal("Forbidden", status!["reason"]!.GetValue<string>());
        Assert.Contains("because it is being terminated", status["message"]!.GetValue<string>());
        Assert.Equal("Terminating", await _world.Kubectl.SucceedAsync("get namespace closing -o jsonpath={.status.phase}"));
    }

    private async Task<JsonObject> CreateAsync(string name, params JsonObject[] owners) => await CreateAsync(name, null, owners);

    private async Task<JsonObject> CreateAsync(string name, JsonObject owner, string finalizer) => await CreateAsync(name, finalizer, [owner]);

    private async Task<JsonObject> CreateAsync(string name, string? finalizer, JsonObject[] owners)
    {
        var metadata = new JsonObject { ["name"] = name };
        if (owners.Length > 0)
        {
            metadata["ownerReferences"] = new JsonArray([.. owners.Select(o => (JsonNode)new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "ConfigMap",
                ["name"] = o["metadata"]!["name"]!.GetValue<string>(),
                ["uid"] = o["metadata"]!["uid"]!.GetValue<string>(),
            })]);
        }

        if (finalizer is not null)
        {
            metadata["finalizers"] = new JsonArray(finalizer);
        }

        var (code, body, _) = await _world.SendAsync(HttpMethod.Post, ConfigMaps,
            new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["metadata"] = metadata }.ToJsonString());
        Assert.True(code == 201, body?.ToJsonString());
        return body!.AsObject();
    }

    private async Task<List<string>> NamesAsync() =>
        [.. (await _world.GetAsync(ConfigMaps))["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>())];
}
