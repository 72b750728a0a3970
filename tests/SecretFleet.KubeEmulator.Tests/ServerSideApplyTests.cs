using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator.Tests;

[Trait("Category", "Cluster")]
public sealed class ServerSideApplyTests : IAsyncLifetime
{
    private EmulatorWorld _world = null!;

    public async Task InitializeAsync() => _world = await EmulatorWorld.StartAsync();

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Second_manager_conflicts_without_force_and_takes_the_field_over_with_it()
    {
        var kubectl = _world.Kubectl;
        var alice = _world.File("alice.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: shared}\ndata: {owner: alice, a: '1'}\n");
        var bob = _world.File("bob.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: shared}\ndata: {owner: bob, b: '2'}\n");
        await kubectl.SucceedAsync($"apply --server-side --field-manager=alice -f {alice}");

        var conflict = await kubectl.RunAsync($"apply --server-side --field-manager=bob -f {bob}");
        Assert.Equal(1, conflict.ExitCode);
        Assert.Contains("Apply failed with 1 conflict: conflict with \"alice\" using v1: .data.owner", conflict.Stderr);
        Assert.Equal("alice", await kubectl.SucceedAsync("get configmap shared -o jsonpath={.data.owner}"));

        await kubectl.SucceedAsync($"apply --server-side --field-manager=bob --force-conflicts -f {bob}");

        var shared = JsonNode.Parse(await kubectl.SucceedAsync("get configmap shared -o json --show-managed-fields"))!;
        Assert.Equal("bob", shared["data"]!["owner"]!.GetValue<string>());
        Assert.Equal("1", shared["data"]!["a"]!.GetValue<string>());
        var owners = shared["metadata"]!["managedFields"]!.AsArray()
            .ToDictionary(e => e!["manager"]!.GetValue<string>(), e => e!["fieldsV1"]!["f:data"]!.AsObject().Select(p => p.Key).Order().ToList());
        Assert.Equal(["f:a"], owners["alice"]);
        Assert.Equal(["f:b", "f:owner"], owners["bob"]);
    }

    [Fact]
    public async Task Fields_a_manager_stops_applying_are_removed_unless_another_manager_owns_them()
    {
        var kubectl = _world.Kubectl;
        var first = _world.File("a1.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, labels: {team: a}}\ndata: {keep: kept, drop: dropped, shared: both}\n");
        await kubectl.SucceedAsync($"apply --server-side --field-manager=a -f {first}");
        await kubectl.SucceedAsync($"apply --server-side --field-manager=b -f {_world.File("b.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {shared: both}\n")}");

        await kubectl.SucceedAsync($"apply --server-side --field-manager=a -f {_world.File("a2.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {keep: kept}\n")}");

        var data = JsonNode.Parse(await kubectl.SucceedAsync("get configmap c -o json"))!;
        Assert.Equal("""{"keep":"kept","shared":"both"}""", data["data"]!.ToJsonString());
        Assert.Null(data["metadata"]!["labels"]);
    }

    [Fact]
    public async Task Conflict_is_a_409_status_listing_each_conflicting_field()
    {
        const string Path = "/apis/apps/v1/namespaces/default/statefulsets/web";
        var (created, _, _) = await _world.SendAsync(HttpMethod.Patch, Path + "?fieldManager=operator", Manifests.StatefulSet("web", "8443"), "application/apply-patch+yaml");
        var changed = Manifests.StatefulSet("web", "8443")
            .Replace("replicas: 3", "replicas: 4", StringComparison.Ordinal)
            .Replace("image: secretfleet/node", "image: secretfleet/node:2", StringComparison.Ordinal);

        var (code, status, _) = await _world.SendAsync(HttpMethod.Patch, Path + "?fieldManager=intruder", changed, "application/apply-patch+yaml");
        var (forcedCode, forced, _) = await _world.SendAsync(HttpMethod.Patch, Path + "?fieldManager=intruder&force=true", changed, "application/apply-patch+yaml");

        Assert.Equal(201, created);
        Assert.Equal(409, code);
        Assert.Equal("Conflict", status!["reason"]!.GetValue<string>());
        var fields = status["details"]!["causes"]!.AsArray().Select(c => c!["field"]!.GetValue<string>()).ToList();
        Assert.Equal([".spec.replicas", ".spec.template.spec.containers[name=\"node\"].image"], fields.Order().ToList());
        Assert.Equal(200, forcedCode);
        Assert.Equal(4, forced!["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal("secretfleet/node:2", forced["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
    }

    [Fact]
    public async Task Apply_without_a_field_manager_is_a_bad_request()
    {
        var (code, status, _) = await _world.SendAsync(HttpMethod.Patch, "/api/v1/namespaces/default/configmaps/x",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n", "application/apply-patch+yaml");

        Assert.Equal(400, code);
        Assert.Contains("fieldManager is required", status!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Applying_the_same_configuration_again_writes_nothing()
    {
        var path = "/api/v1/namespaces/default/configmaps/same?fieldManager=m";
        var body = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: same}\ndata: {a: b}\n";
        var (_, first, _) = await _world.SendAsync(HttpMethod.Patch, path, body, "application/apply-patch+yaml");

        var (_, second, _) = await _world.SendAsync(HttpMethod.Patch, path, body, "application/apply-patch+yaml");

        Assert.Equal(first!["metadata"]!["resourceVersion"]!.GetValue<string>(), second!["metadata"]!["resourceVersion"]!.GetValue<string>());
    }
}
