namespace SecretFleet.KubeEmulator.Tests;

[Trait("Category", "Cluster")]
public sealed class UpstreamSchemaTests : IAsyncLifetime
{
    private EmulatorWorld _world = null!;

    public async Task InitializeAsync() => _world = await EmulatorWorld.StartAsync();

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Statefulset_with_a_string_container_port_is_rejected_like_a_real_server()
    {
        var (code, status, _) = await _world.SendAsync(HttpMethod.Post, "/apis/apps/v1/namespaces/default/statefulsets",
            System.Text.Json.Nodes.JsonNode.Parse(ToJson(Manifests.StatefulSet("web", "\"8443\"")))!.ToJsonString());

        Assert.Equal(422, code);
        Assert.Equal("Status", status!["kind"]!.GetValue<string>());
        Assert.Equal("Failure", status["status"]!.GetValue<string>());
        Assert.Equal("Invalid", status["reason"]!.GetValue<string>());
        Assert.Equal("web", status["details"]!["name"]!.GetValue<string>());
        Assert.Equal("apps", status["details"]!["group"]!.GetValue<string>());
        Assert.Equal("StatefulSet", status["details"]!["kind"]!.GetValue<string>());
        var cause = Assert.Single(status["details"]!["causes"]!.AsArray())!;
        Assert.Equal("spec.template.spec.containers[0].ports[0].containerPort", cause["field"]!.GetValue<string>());
        Assert.Equal("FieldValueTypeInvalid", cause["reason"]!.GetValue<string>());
        Assert.StartsWith("StatefulSet.apps \"web\" is invalid: spec.template.spec.containers[0].ports[0].containerPort: Invalid value: \"string\"",
            status["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kubectl_apply_of_an_invalid_statefulset_fails_naming_the_path()
    {
        var result = await _world.Kubectl.RunAsync($"apply -f {_world.File("sts.yaml", Manifests.StatefulSet("web", "\"8443\""))}");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("The StatefulSet \"web\" is invalid: spec.template.spec.containers[0].ports[0].containerPort", result.Stderr);
    }

    [Fact]
    public async Task Certificate_without_a_secret_name_is_rejected_by_the_cert_manager_schema()
    {
        var result = await _world.Kubectl.RunAsync("apply -f -", """
            apiVersion: cert-manager.io/v1
            kind: Certificate
            metadata: {name: nameless}
            spec:
              issuerRef: {name: ca}
            """);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("spec.secretName: Required value", result.Stderr);
    }

    [Fact]
    public async Task Secret_with_data_that_is_not_base64_is_rejected()
    {
        var (code, status, _) = await _world.SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/secrets",
            """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"data":{"key":"not base64!"}}""");

        Assert.Equal(422, code);
        Assert.Equal("data.key", status!["details"]!["causes"]![0]!["field"]!.GetValue<string>());
        Assert.Contains("must match format \"byte\"", status["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Secret_string_data_is_stored_as_base64_data()
    {
        await _world.Kubectl.SucceedAsync("apply -f -", "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {password: hunter2}\n");

        Assert.Equal("aHVudGVyMg==", await _world.Kubectl.SucceedAsync("get secret s -o jsonpath={.data.password}"));
    }

    [Fact]
    public async Task NetworkPolicy_is_served_by_its_short_name_and_checked_against_its_upstream_schema()
    {
        const string Valid = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: nodes}
            spec:
              podSelector: {matchLabels: {app: node}}
              policyTypes: [Ingress]
              ingress:
              - from:
                - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ops}}
                  podSelector: {matchLabels: {app: operator}}
                ports:
                - {protocol: TCP, port: 7443}
            """;

        await _world.Kubectl.SucceedAsync("apply -f -", Valid);
        Assert.Equal("ops", await _world.Kubectl.SucceedAsync("get netpol nodes -o jsonpath={.spec.ingress[0].from[0].namespaceSelector.matchLabels.kubernetes\\.io/metadata\\.name}"));

        var invalid = await _world.Kubectl.RunAsync("apply -f -", Valid.Replace("name: nodes", "name: broken", StringComparison.Ordinal).Replace("policyTypes: [Ingress]", "policyTypes: Ingress", StringComparison.Ordinal));
        Assert.Equal(1, invalid.ExitCode);
        Assert.Contains("The NetworkPolicy \"broken\" is invalid: spec.policyTypes", invalid.Stderr);
    }

    private static string ToJson(string yaml) => YamlJson.ParseObject(yaml).Object!.ToJsonString();
}
