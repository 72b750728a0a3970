using System.Text.Json.Nodes;
using SecretFleet.Operator.Hosting;
using SecretFleet.Operator.Specs;
using SecretFleet.Operator.Tests.Support;

namespace SecretFleet.Operator.Tests.Charts;

[Trait("Category", "Unit")]
public sealed class ChartTests
{
    private static readonly string Chart = RepoPaths.Of("charts", "secretfleet-operator");

    /// <summary>The chart's objects, rendered with its values (and overrides), as JSON.</summary>
    internal static IReadOnlyList<JsonObject> Objects(Dictionary<string, object?>? overrides = null)
    {
        var renderer = new ChartRenderer(Chart, ChartRenderer.Values(Chart, overrides), "sf", "secretfleet-system");
        return [.. renderer.RenderAll().Values
            .SelectMany(Yaml.LoadAll)
            .Where(d => d is not null)
            .Select(d => Yaml.ToJson(d)!.AsObject())];
    }

    private static JsonObject Single(IReadOnlyList<JsonObject> objects, string kind) => Assert.Single(objects, o => (string?)o["kind"] == kind);

    [Fact]
    public async Task Default_render_is_valid_against_the_upstream_schemas()
    {
        var objects = Objects();

        Assert.Equal(["Deployment", "Role", "Role", "RoleBinding", "RoleBinding", "Service", "ServiceAccount"], objects.Select(o => (string)o["kind"]!).Order());
        var results = await UpstreamSchemas.ValidateAsync(objects);
        for (var i = 0; i < objects.Count; i++)
        {
            Assert.True(results[i].Known && results[i].Errors.Count == 0, $"{objects[i]["kind"]} {objects[i]["metadata"]!["name"]}: {string.Join("; ", results[i].Errors)}");
        }
    }

    [Fact]
    public void Deployment_arguments_are_ones_the_operator_accepts_with_the_values_given()
    {
        var deployment = Single(Objects(), "Deployment");
        var container = deployment["spec"]!["template"]!["spec"]!["containers"]![0]!;
        var args = container["args"]!.AsArray().Select(a => (string)a!).ToList();

        var options = OperatorSettings.Read(OperatorCommand.Parse(args).Arguments);

        Assert.Equal("ghcr.io/secretfleet/operator:0.1.0", (string?)container["image"]);
        Assert.Equal(("ghcr.io/secretfleet/node:0.1.0", true, "secretfleet-operator", "secretfleet-system"), (options.NodeImage, options.LeaderElect, options.LeaseName, options.LeaseNamespace));
        Assert.Equal(("secretfleet-system", ":8080", ":8081", 4), (options.Namespace, options.MetricsListen, options.HealthListen, options.Workers));
        Assert.Equal("/readyz", (string?)container["readinessProbe"]!["httpGet"]!["path"]);
        Assert.True((bool)container["securityContext"]!["readOnlyRootFilesystem"]!);
        Assert.Equal("512Mi", (string?)Single(Objects(new() { ["resources"] = new Dictionary<string, object?> { ["limits"] = new Dictionary<string, object?> { ["memory"] = "512Mi" } } }), "Deployment")
            ["spec"]!["template"]!["spec"]!["containers"]![0]!["resources"]!["limits"]!["memory"]);
    }

    [Fact]
    public void The_node_image_allow_list_and_the_metrics_namespace_reach_the_operator()
    {
        static OperatorOptions Options(Dictionary<string, object?>? overrides = null) =>
            OperatorSettings.Read(OperatorCommand.Parse(Container(Objects(overrides))["args"]!.AsArray().Select(a => (string)a!).ToList()).Arguments);

        var defaults = Options();
        var set = Options(new()
        {
            ["nodeImage"] = new Dictionary<string, object?> { ["allowed"] = new List<object?> { "registry.example/node:2", "registry.example/node@sha256:" + new string('b', 64) } },
            ["metrics"] = new Dictionary<string, object?> { ["allowedNamespace"] = "monitoring" },
        });

        Assert.Empty(defaults.AllowedNodeImages);
        Assert.Equal("secretfleet-system", defaults.NodeMetricsNamespace);
        Assert.Equal(["registry.example/node:2", "registry.example/node@sha256:" + new string('b', 64)], set.AllowedNodeImages);
        Assert.Equal("monitoring", set.NodeMetricsNamespace);
    }

    [Fact]
    public void The_operator_pods_carry_the_labels_the_NetworkPolicies_admit_and_learn_their_namespace_from_the_downward_API()
    {
        var deployment = Single(Objects(), "Deployment");
        var labels = deployment["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
        var env = Container([deployment])["env"]!.AsArray();

        Assert.All(NetworkPolicySpec.OperatorPodLabels, l => Assert.Equal(l.Value, (string?)labels[l.Key]));
        var ns = Assert.Single(env, e => (string?)e!["name"] == "POD_NAMESPACE")!;
        Assert.Equal("metadata.namespace", (string?)ns["valueFrom"]!["fieldRef"]!["fieldPath"]);
    }

    private static JsonNode Container(IReadOnlyList<JsonObject> objects) => Single(objects, "Deployment")["spec"]!["template"]!["spec"]!["containers"]![0]!;

    [Fact]
    public void Namespace_scoped_install_uses_a_Role_and_leaves_out_what_is_turned_off()
    {
        var objects = Objects(new()
        {
            ["watchNamespace"] = "vault",
            ["metrics"] = new Dictionary<string, object?> { ["enabled"] = false },
            ["leaderElection"] = new Dictionary<string, object?> { ["enabled"] = false },
            ["nodeImage"] = new Dictionary<string, object?> { ["tag"] = "1.2.3" },
        });

        Assert.Equal(["Deployment", "Role", "RoleBinding", "ServiceAccount"], objects.Select(o => (string)o["kind"]!).Order());
        var role = Single(objects, "Role");
        Assert.Equal(("sf", "vault"), ((string?)role["metadata"]!["name"], (string?)role["metadata"]!["namespace"]));
        Assert.Equal("Role", (string?)Single(objects, "RoleBinding")["roleRef"]!["kind"]);
        var args = Single(objects, "Deployment")["spec"]!["template"]!["spec"]!["containers"]![0]!["args"]!.AsArray().Select(a => (string)a!).ToList();
        var options = OperatorSettings.Read(OperatorCommand.Parse(args).Arguments);
        Assert.Equal(("vault", false, "", "ghcr.io/secretfleet/node:1.2.3"), (options.Namespace, options.LeaderElect, options.MetricsListen, options.NodeImage));
    }

    [Fact]
    public void By_default_the_operator_is_confined_to_one_namespace_and_every_namespace_takes_a_value()
    {
        static JsonArray Rules(JsonObject role) => role["rules"]!.AsArray();
        var confined = Objects();
        var everywhere = Objects(new() { ["watchAllNamespaces"] = true });

        Assert.DoesNotContain(confined, o => ((string?)o["kind"])!.StartsWith("Cluster", StringComparison.Ordinal));
        var role = Assert.Single(confined, o => (string?)o["kind"] == "Role" && (string?)o["metadata"]!["name"] == "sf");
        Assert.Equal("secretfleet-system", (string?)role["metadata"]!["namespace"]);
        var clusterRole = Single(everywhere, "ClusterRole");
        Assert.True(JsonNode.DeepEquals(Rules(role), Rules(clusterRole)), "the ClusterRole grants more than the namespaced Role");
        Assert.Equal("ClusterRole", (string?)Single(everywhere, "ClusterRoleBinding")["roleRef"]!["kind"]);
        var args = Single(everywhere, "Deployment")["spec"]!["template"]!["spec"]!["containers"]![0]!["args"]!.AsArray().Select(a => (string)a!).ToList();
        Assert.Equal("", OperatorSettings.Read(OperatorCommand.Parse(args).Arguments).Namespace);
    }

    [Fact]
    public void Chart_CRD_is_the_generated_one()
    {
        var generated = File.ReadAllText(RepoPaths.Of("crds", "secretfleet.io_secretclusters.yaml"));
        var path = Path.Combine(Chart, "crds", "secretfleet.io_secretclusters.yaml");
        if (Environment.GetEnvironmentVariable("SECRETFLEET_UPDATE_CRDS") == "1")
        {
            File.WriteAllText(path, generated);
        }

        Assert.True(File.ReadAllText(path) == generated,
            $"{path} differs from crds/secretfleet.io_secretclusters.yaml; copy it over (or run the tests with SECRETFLEET_UPDATE_CRDS=1) and commit.");
    }

    [Fact]
    public void Chart_and_app_versions_match_the_operator()
    {
        var chart = (Dictionary<string, object?>)Yaml.Load(File.ReadAllText(Path.Combine(Chart, "Chart.yaml")))!;

        Assert.Equal(OperatorVersion.Current, chart["appVersion"]);
    }
}
