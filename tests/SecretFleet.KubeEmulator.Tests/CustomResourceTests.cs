using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator.Tests;

[Trait("Category", "Cluster")]
public sealed class CustomResourceTests : IAsyncLifetime
{
    private const string Widgets = "/apis/example.com/v1/namespaces/default/widgets";
    private EmulatorWorld _world = null!;

    public async Task InitializeAsync()
    {
        _world = await EmulatorWorld.StartAsync();
        await _world.Kubectl.SucceedAsync($"apply -f {_world.File("crd.yaml", Manifests.WidgetCrd)}");
        await _world.Kubectl.SucceedAsync("wait --for condition=established --timeout=10s crd/widgets.example.com");
    }

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Applied_crd_serves_objects_with_defaults_and_printer_columns()
    {
        await _world.Kubectl.SucceedAsync($"apply -f {_world.File("w.yaml", Manifests.Widget("fleet", 5, 3))}");

        var widget = JsonNode.Parse(await _world.Kubectl.SucceedAsync("get wd fleet -o json"))!;
        Assert.Equal("safe", widget["spec"]!["mode"]!.GetValue<string>());
        Assert.Equal("secretfleet/node:latest", widget["spec"]!["image"]!.GetValue<string>());
        Assert.Equal(1, widget["metadata"]!["generation"]!.GetValue<int>());
        var table = await _world.Kubectl.SucceedAsync("get widgets");
        Assert.Matches(@"NAME\s+REPLICAS\s+THRESHOLD\s+READY\s+AGE", table);
        Assert.Matches(@"fleet\s+5\s+3\s+<none>\s+\d+s", table);
    }

    [Fact]
    public async Task Object_breaking_a_cel_rule_is_rejected_with_the_rule_message()
    {
        var result = await _world.Kubectl.RunAsync($"apply -f {_world.File("w.yaml", Manifests.Widget("greedy", 2, 3))}");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("The Widget \"greedy\" is invalid: spec: Invalid value: \"object\": threshold must not exceed replicas", result.Stderr);
        Assert.Equal(1, (await _world.Kubectl.RunAsync("get widget greedy")).ExitCode);
    }

    [Fact]
    public async Task Object_breaking_the_schema_is_rejected_with_causes_naming_each_field()
    {
        var (code, status, _) = await _world.SendAsync(HttpMethod.Post, Widgets,
            """{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"broken"},"spec":{"replicas":"five","mode":"slow","image":"UPPER"}}""");

        Assert.Equal(422, code);
        Assert.Equal("Invalid", status!["reason"]!.GetValue<string>());
        Assert.Equal("Widget", status["details"]!["kind"]!.GetValue<string>());
        Assert.Equal("example.com", status["details"]!["group"]!.GetValue<string>());
        var causes = status["details"]!["causes"]!.AsArray().Select(c => (c!["reason"]!.GetValue<string>(), c["field"]!.GetValue<string>())).ToList();
        Assert.Contains(("FieldValueTypeInvalid", "spec.replicas"), causes);
        Assert.Contains(("FieldValueNotSupported", "spec.mode"), causes);
        Assert.Contains(("FieldValueRequired", "spec.threshold"), causes);
        Assert.Contains(("FieldValueInvalid", "spec.image"), causes);
        Assert.Contains("spec.replicas in body must be of type integer", status["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Numbers_outside_bounds_are_rejected_with_the_bound()
    {
        var result = await _world.Kubectl.RunAsync($"apply -f {_world.File("w.yaml", Manifests.Widget("huge", 16, 3))}");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("spec.replicas: Invalid value: 16: spec.replicas in body should be less than or equal to 15", result.Stderr);
    }

    [Fact]
    public async Task Unknown_fields_are_pruned_with_a_warning_and_refused_under_strict_validation()
    {
        var body = """{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"extra"},"spec":{"replicas":3,"threshold":2,"color":"red"}}""";

        var (strictCode, strict, _) = await _world.SendAsync(HttpMethod.Post, Widgets + "?fieldValidation=Strict", body);
        var (code, created, response) = await _world.SendAsync(HttpMethod.Post, Widgets, body);

        Assert.Equal(400, strictCode);
        Assert.Contains("unknown field \"spec.color\"", strict!["message"]!.GetValue<string>());
        Assert.Equal(201, code);
        Assert.Null(created!["spec"]!["color"]);
        Assert.Contains(response.Headers.GetValues("Warning"), w => w.Contains("unknown field", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Status_changes_only_through_the_status_subresource_and_spec_changes_bump_generation()
    {
        var (_, created, _) = await _world.SendAsync(HttpMethod.Post, Widgets,
            """{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"s"},"spec":{"replicas":3,"threshold":2},"status":{"phase":"Forged"}}""");
        Assert.Null(created!["status"]);

        var statusPatch = """{"status":{"phase":"Ready","conditions":[{"type":"Ready","status":"True"}]},"spec":{"replicas":9}}""";
        var (statusCode, afterStatus, _) = await _world.SendAsync(HttpMethod.Patch, Widgets + "/s/status", statusPatch, "application/merge-patch+json");
        var (mainCode, afterMain, _) = await _world.SendAsync(HttpMethod.Patch, Widgets + "/s",
            """{"status":{"phase":"Ignored"},"spec":{"replicas":4}}""", "application/merge-patch+json");

        Assert.Equal(200, statusCode);
        Assert.Equal("Ready", afterStatus!["status"]!["phase"]!.GetValue<string>());
        Assert.Equal(3, afterStatus["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal(1, afterStatus["metadata"]!["generation"]!.GetValue<int>());
        Assert.Equal(200, mainCode);
        Assert.Equal("Ready", afterMain!["status"]!["phase"]!.GetValue<string>());
        Assert.Equal(4, afterMain["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal(2, afterMain["metadata"]!["generation"]!.GetValue<int>());
        Assert.Matches(@"s\s+4\s+2\s+True", await _world.Kubectl.SucceedAsync("get widgets"));
    }

    [Fact]
    public async Task Deleting_the_crd_removes_its_objects_and_its_discovery_entry()
    {
        await _world.Kubectl.SucceedAsync($"apply -f {_world.File("w.yaml", Manifests.Widget("doomed", 3, 2))}");

        await _world.Kubectl.SucceedAsync("delete crd widgets.example.com");

        var (code, _, _) = await _world.SendAsync(HttpMethod.Get, Widgets);
        Assert.Equal(404, code);
        var groups = await _world.GetAsync("/apis");
        Assert.DoesNotContain(groups["groups"]!.AsArray(), g => g!["name"]!.GetValue<string>() == "example.com");
    }
}
