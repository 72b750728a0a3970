using System.Net;
using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator.Tests;

[Trait("Category", "Cluster")]
public sealed class KubectlBasicsTests : IAsyncLifetime
{
    private EmulatorWorld _world = null!;

    public async Task InitializeAsync() => _world = await EmulatorWorld.StartAsync();

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Kubectl_creates_gets_lists_and_deletes_a_configmap()
    {
        var kubectl = _world.Kubectl;
        var manifest = _world.File("cm.yaml", """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
              labels: {app: fleet}
            data:
              threshold: "3"
              replicas: "5"
            """);

        Assert.Contains("configmap/settings created", await kubectl.SucceedAsync($"create -f {manifest}"));
        var got = JsonNode.Parse(await kubectl.SucceedAsync("get configmap settings -o json"))!;
        Assert.Equal("3", got["data"]!["threshold"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(got["metadata"]!["uid"]?.GetValue<string>()));
        var table = await kubectl.SucceedAsync("get configmaps -l app=fleet");
        Assert.Matches(@"NAME\s+DATA\s+AGE", table);
        Assert.Matches(@"settings\s+2\s+\d+s", table);
        Assert.Contains("No resources found", (await kubectl.RunAsync("get configmaps -l app=other")).Output);

        Assert.Contains("configmap \"settings\" deleted", await kubectl.SucceedAsync("delete configmap settings"));
        var missing = await kubectl.RunAsync("get configmap settings");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("Error from server (NotFound): configmaps \"settings\" not found", missing.Stderr);
    }

    [Fact]
    public async Task Kubectl_create_generators_send_protobuf_that_the_emulator_understands()
    {
        var kubectl = _world.Kubectl;

        await kubectl.SucceedAsync("create namespace tenant");
        await kubectl.SucceedAsync("create configmap literal -n tenant --from-literal=a=1 --from-literal=b=two");
        await kubectl.SucceedAsync("create secret generic pw -n tenant --from-literal=password=hunter2");

        Assert.Equal("""{"a":"1","b":"two"}""", await kubectl.SucceedAsync("get configmap literal -n tenant -o jsonpath={.data}"));
        Assert.Equal("aHVudGVyMg==", await kubectl.SucceedAsync("get secret pw -n tenant -o jsonpath={.data.password}"));
        Assert.Equal("Opaque", await kubectl.SucceedAsync("get secret pw -n tenant -o jsonpath={.type}"));
    }

    [Fact]
    public async Task Kubectl_apply_twice_is_unchanged_then_configures_a_change()
    {
        var kubectl = _world.Kubectl;
        var manifest = _world.File("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: applied}\ndata: {key: one}\n");

        Assert.Contains("created", await kubectl.SucceedAsync($"apply -f {manifest}"));
        Assert.Contains("unchanged", await kubectl.SucceedAsync($"apply -f {manifest}"));
        _world.File("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: applied}\ndata: {key: two}\n");
        Assert.Contains("configured", await kubectl.SucceedAsync($"apply -f {manifest}"));

        Assert.Equal("two", await kubectl.SucceedAsync("get configmap applied -o jsonpath={.data.key}"));
    }

    [Fact]
    public async Task Kubectl_patch_and_scale_change_a_statefulset_and_bump_its_generation()
    {
        var kubectl = _world.Kubectl;
        await kubectl.SucceedAsync($"apply -f {_world.File("sts.yaml", Manifests.StatefulSet("web", "8443"))}");

        await kubectl.SucceedAsync("scale statefulset web --replicas=5");
        await kubectl.SucceedAsync("patch statefulset web -p '{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"node\",\"env\":[{\"name\":\"A\",\"value\":\"b\"}]}]}}}}'");

        var sts = JsonNode.Parse(await kubectl.SucceedAsync("get statefulset web -o json"))!;
        Assert.Equal(5, sts["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal(3, sts["metadata"]!["generation"]!.GetValue<int>());
        var container = sts["spec"]!["template"]!["spec"]!["containers"]![0]!;
        Assert.Equal("b", container["env"]![0]!["value"]!.GetValue<string>());
        Assert.Equal(8443, container["ports"]![0]!["containerPort"]!.GetValue<int>());
    }

    [Fact]
    public async Task Token_kubeconfig_authenticates_and_a_request_without_credentials_is_unauthorized()
    {
        var tokenConfig = Path.Combine(_world.Directory, "token-kubeconfig");
        _world.Emulator.WriteKubeconfig(tokenConfig, KubeconfigCredentials.Token, "kube-system");
        var kubectl = new Kubectl(tokenConfig, Path.Combine(_world.Directory, "token-cache"));
        Assert.Contains("kube-system", await kubectl.SucceedAsync("get namespaces"));
        Assert.Contains("kube-system", await kubectl.SucceedAsync("config view --minify -o jsonpath={..namespace}"));

        _world.Http.DefaultRequestHeaders.Authorization = null;
        var (code, body, _) = await _world.SendAsync(HttpMethod.Get, "/api/v1/namespaces");

        Assert.Equal((int)HttpStatusCode.Unauthorized, code);
        Assert.Equal("Unauthorized", body!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Creating_in_a_missing_namespace_is_not_found_and_a_duplicate_already_exists()
    {
        var configMap = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"once"}}""";

        var (missingCode, missing, _) = await _world.SendAsync(HttpMethod.Post, "/api/v1/namespaces/nowhere/configmaps", configMap);
        var (createdCode, _, _) = await _world.SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", configMap);
        var (duplicateCode, duplicate, _) = await _world.SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", configMap);

        Assert.Equal(404, missingCode);
        Assert.Equal("namespaces \"nowhere\" not found", missing!["message"]!.GetValue<string>());
        Assert.Equal(201, createdCode);
        Assert.Equal(409, duplicateCode);
        Assert.Equal("AlreadyExists", duplicate!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Update_with_a_stale_resource_version_conflicts()
    {
        var (_, created, _) = await _world.SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps",
            """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cas"},"data":{"v":"1"}}""");
        var stale = created!.AsObject();
        stale["data"]!["v"] = "2";
        var (firstCode, _, _) = await _world.SendAsync(HttpMethod.Put, "/api/v1/namespaces/default/configmaps/cas", stale.ToJsonString());

        stale["data"]!["v"] = "3";
        var (secondCode, conflict, _) = await _world.SendAsync(HttpMethod.Put, "/api/v1/namespaces/default/configmaps/cas", stale.ToJsonString());

        Assert.Equal(200, firstCode);
        Assert.Equal(409, secondCode);
        Assert.Equal("Conflict", conflict!["reason"]!.GetValue<string>());
        Assert.Contains("the object has been modified", conflict["message"]!.GetValue<string>());
        Assert.Equal("2", (await _world.GetAsync("/api/v1/namespaces/default/configmaps/cas"))["data"]!["v"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_pages_with_limit_and_continue_and_refuses_a_forged_token()
    {
        foreach (var name in new[] { "a", "b", "c" })
        {
            await _world.SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", "{\"metadata\":{\"name\":\"" + name + "\"}}");
        }

        var first = await _world.GetAsync("/api/v1/namespaces/default/configmaps?limit=2");
        var token = first["metadata"]!["continue"]!.GetValue<string>();
        var second = await _world.GetAsync($"/api/v1/namespaces/default/configmaps?limit=2&continue={Uri.EscapeDataString(token)}");
        var (forgedCode, _, _) = await _world.SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/configmaps?limit=2&continue=forged");

        Assert.Equal(["a", "b"], first["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()));
        Assert.Equal(1, first["metadata"]!["remainingItemCount"]!.GetValue<int>());
        Assert.Equal(["c"], second["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()));
        Assert.Null(second["metadata"]!["continue"]);
        Assert.Equal(400, forgedCode);
    }

    [Fact]
    public async Task Unsupported_method_is_method_not_allowed()
    {
        var (code, body, _) = await _world.SendAsync(HttpMethod.Put, "/api/v1/namespaces/default/configmaps", "{}");

        Assert.Equal(405, code);
        Assert.Equal("MethodNotAllowed", body!["reason"]!.GetValue<string>());
    }
}
