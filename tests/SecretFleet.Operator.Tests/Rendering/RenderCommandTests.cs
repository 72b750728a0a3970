using System.Text.Json.Nodes;
using SecretFleet.Operator.Hosting;
using SecretFleet.Operator.Rendering;
using SecretFleet.Operator.Tests.Support;

namespace SecretFleet.Operator.Tests.Rendering;

[Trait("Category", "Unit")]
public sealed class RenderCommandTests
{
    private const string Demo = """
        apiVersion: secretfleet.io/v1alpha1
        kind: SecretCluster
        metadata:
          name: demo
        spec:
          replicas: 3
          threshold: 2
        """;

    public static TheoryData<string> Samples() => [.. RenderSamples.All().Keys];

    [Fact]
    public void The_samples_are_found_where_users_see_them()
    {
        var samples = RenderSamples.All().Keys.ToList();

        Assert.Contains(Path.Combine("crds", "samples", "secretcluster.yaml"), samples);
        Assert.Contains(Path.Combine("crds", "samples", "secretcluster-production.yaml"), samples);
        Assert.Contains(samples, s => s.StartsWith(Path.Combine("docs", "operations.md"), StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task Every_sample_renders_and_every_object_validates_against_the_upstream_schemas(string sample)
    {
        var (code, stdout, stderr) = Run(RenderSamples.All()[sample], "-f", "-");
        Assert.True(code == 0, $"{sample}: exit {code}: {stderr}");
        Assert.Equal("", stderr);

        var objects = Documents(stdout);
        Assert.NotEmpty(objects);
        var results = await UpstreamSchemas.ValidateAsync(objects);
        for (var i = 0; i < objects.Count; i++)
        {
            var what = $"{sample}: {objects[i]["kind"]} {objects[i]["metadata"]?["name"]}";
            Assert.True(results[i].Known, $"{what}: no upstream schema for {objects[i]["apiVersion"]}");
            Assert.True(results[i].Errors.Count == 0, $"{what}: {string.Join("; ", results[i].Errors)}");
        }
    }

    [Fact]
    public void A_cluster_renders_its_issuers_certificates_service_budget_and_per_node_key_volume_and_pod()
    {
        var (code, stdout, _) = Run(Demo, "-f", "-", "-n", "vault");

        Assert.Equal(0, code);
        var objects = Documents(stdout);
        Assert.Equal(
            [
                "Issuer demo-selfsigned", "Certificate demo-ca",
                "Secret demo-node-0-tls", "Secret demo-node-1-tls", "Secret demo-node-2-tls", "Secret demo-operator-tls", "Secret demo-client-tls",
                "NetworkPolicy demo-nodes", "Service demo-nodes", "PodDisruptionBudget demo",
                "Secret demo-node-0-key", "PersistentVolumeClaim data-demo-0", "Pod demo-0",
                "Secret demo-node-1-key", "PersistentVolumeClaim data-demo-1", "Pod demo-1",
                "Secret demo-node-2-key", "PersistentVolumeClaim data-demo-2", "Pod demo-2",
            ],
            objects.Select(o => $"{o["kind"]} {o["metadata"]!["name"]}"));
        Assert.All(objects, o => Assert.Equal("vault", (string?)o["metadata"]!["namespace"]));
    }

    [Fact]
    public void Rendered_identity_Secrets_name_a_distinct_identity_for_every_node_and_no_Issuer_can_sign_one()
    {
        var objects = Documents(Run(Demo, "-f", "-", "-n", "vault").Stdout);

        var identities = objects.Where(o => (string?)o["kind"] == "Secret" && o["metadata"]!["annotations"]?["secretfleet.io/identity"] is not null)
            .ToDictionary(o => (string)o["metadata"]!["name"]!, o => (string)o["metadata"]!["annotations"]!["secretfleet.io/identity"]!);
        Assert.Equal("spiffe://demo.vault/node/demo-0", identities["demo-node-0-tls"]);
        Assert.Equal("spiffe://demo.vault/node/demo-2", identities["demo-node-2-tls"]);
        Assert.Equal("spiffe://demo.vault/client/default", identities["demo-client-tls"]);
        Assert.Equal(identities.Count, identities.Values.Distinct().Count());
        Assert.Equal(["demo-selfsigned"], objects.Where(o => (string?)o["kind"] == "Issuer").Select(o => (string?)o["metadata"]!["name"]));
    }

    [Fact]
    public void Rendered_pods_of_a_default_cluster_never_share_a_host()
    {
        var (code, stdout, _) = Run(Demo, "-f", "-");

        Assert.Equal(0, code);
        var pods = Documents(stdout).Where(o => (string?)o["kind"] == "Pod").ToList();
        Assert.Equal(3, pods.Count);
        Assert.All(pods, pod =>
        {
            var term = Assert.Single(pod["spec"]!["affinity"]!["podAntiAffinity"]!["requiredDuringSchedulingIgnoredDuringExecution"]!.AsArray())!;
            Assert.Equal("kubernetes.io/hostname", (string?)term["topologyKey"]);
            Assert.Equal("demo", (string?)term["labelSelector"]!["matchLabels"]!["app.kubernetes.io/instance"]);
        });
    }

    [Fact]
    public void Key_and_certificate_Secrets_are_rendered_without_any_key_material()
    {
        var (_, stdout, _) = Run(Demo, "-f", "-");

        var secrets = Documents(stdout).Where(o => (string?)o["kind"] == "Secret").ToList();
        Assert.Equal(8, secrets.Count);
        Assert.All(secrets, s =>
        {
            Assert.Null(s["data"]);
            Assert.Null(s["stringData"]);
            Assert.Equal(((string)s["metadata"]!["name"]!).EndsWith("-tls", StringComparison.Ordinal) ? "kubernetes.io/tls" : "Opaque", (string?)s["type"]);
        });
        Assert.DoesNotContain("node.key:", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("tls.key:", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Owner_references_carry_the_manifests_uid_or_a_placeholder()
    {
        var withUid = Demo.Replace("  name: demo", "  name: demo\n  uid: 3f0c9a52-1111-4222-8333-944445555666", StringComparison.Ordinal);

        var placeholder = Documents(Run(Demo, "-f", "-").Stdout);
        var real = Documents(Run(withUid, "-f", "-").Stdout);

        static IEnumerable<string?> Uids(IEnumerable<JsonObject> objects) =>
            objects.SelectMany(o => (o["metadata"]!["ownerReferences"] as JsonArray ?? []).Select(r => (string?)r!["uid"]));
        Assert.All(Uids(placeholder), u => Assert.Equal(SecretClusterManifest.PlaceholderUid, u));
        Assert.All(Uids(real), u => Assert.Equal("3f0c9a52-1111-4222-8333-944445555666", u));
        // Every child but the PVCs (which nothing owns, so that garbage collection never takes shares) has one.
        Assert.Equal(16, Uids(real).Count());
    }

    [Fact]
    public void Json_output_is_a_Kubernetes_List_of_the_same_objects_as_the_yaml()
    {
        var yaml = Documents(Run(Demo, "-f", "-").Stdout);

        var (code, stdout, _) = Run(Demo, "-f", "-", "-o", "json");

        Assert.Equal(0, code);
        var list = JsonNode.Parse(stdout)!.AsObject();
        Assert.Equal(("v1", "List"), ((string?)list["apiVersion"], (string?)list["kind"]));
        var items = list["items"]!.AsArray().Select(i => i!.AsObject()).ToList();
        Assert.Equal(yaml.Count, items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            Assert.True(JsonNode.DeepEquals(yaml[i], items[i]), $"item {i} differs between -o yaml and -o json:\n{yaml[i]}\n{items[i]}");
        }
    }

    [Fact]
    public void The_node_image_is_the_operators_default_unless_given_and_spec_image_wins_only_when_allowed()
    {
        static string? Image(string manifest, params string[] args) =>
            (string?)Documents(Run(manifest, ["-f", "-", .. args]).Stdout).First(o => (string?)o["kind"] == "Pod")["spec"]!["containers"]![0]!["image"];

        Assert.Equal(OperatorVersion.DefaultNodeImage, Image(Demo));
        Assert.Equal("registry.example/node:9", Image(Demo, "--node-image", "registry.example/node:9"));
        Assert.Equal("mine:1", Image(Demo + "\n  image: mine:1", "--node-image=registry.example/node:9", "--allowed-node-images=other:2,mine:1"));
        // As the operator does: a spec.image it does not allow is not what the pods get.
        Assert.Equal("registry.example/node:9", Image(Demo + "\n  image: mine:1", "--node-image=registry.example/node:9"));
        Assert.Equal("registry.example/node:9", Image(Demo + "\n  image: mine:1", "--node-image=registry.example/node:9", "--allowed-node-images="));
    }

    [Fact]
    public void The_NetworkPolicy_names_the_operators_and_the_metrics_namespace_given_to_render()
    {
        static (string? Operator, string? Metrics) Namespaces(params string[] args)
        {
            var policy = Documents(Run(Demo, ["-f", "-", .. args]).Stdout).Single(o => (string?)o["kind"] == "NetworkPolicy");
            var rules = policy["spec"]!["ingress"]!.AsArray();
            return ((string?)rules[0]!["from"]![1]!["namespaceSelector"]!["matchLabels"]!["kubernetes.io/metadata.name"],
                (string?)rules[1]!["from"]![0]!["namespaceSelector"]!["matchLabels"]!["kubernetes.io/metadata.name"]);
        }

        Assert.Equal(("secretfleet-system", "secretfleet-system"), Namespaces());
        Assert.Equal(("ops", "ops"), Namespaces("--operator-namespace", "ops"));
        Assert.Equal(("ops", "monitoring"), Namespaces("--operator-namespace=ops", "--node-metrics-namespace", "monitoring"));
    }

    [Fact]
    public void A_malformed_allow_list_is_bad_input_naming_the_flag()
    {
        var (code, stdout, stderr) = Run(Demo, "-f", "-", "--allowed-node-images", "mine:1,,other:2");

        Assert.Equal((2, ""), (code, stdout));
        Assert.StartsWith("secretfleet-operator: --allowed-node-images 'mine:1,,other:2' has an empty entry", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Several_documents_render_one_after_another_and_empty_ones_are_skipped()
    {
        var two = "---\n" + Demo + "\n---\n" + Demo.Replace("name: demo", "name: other", StringComparison.Ordinal) + "\n---\n";

        var objects = Documents(Run(two, "-f", "-").Stdout);

        Assert.Equal(38, objects.Count);
        Assert.Equal("demo-selfsigned", (string?)objects[0]["metadata"]!["name"]);
        Assert.Equal("other-selfsigned", (string?)objects[19]["metadata"]!["name"]);
    }

    [Fact]
    public void A_file_renders_like_standard_input()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "cluster.yaml");
        File.WriteAllText(path, Demo);

        Assert.Equal(Run(Demo, "-f", "-"), Run("", "-f", path));
    }

    public static TheoryData<string, string> BadManifests() => new()
    {
        { Demo.Replace("threshold: 2", "threshold: 5", StringComparison.Ordinal), "spec.threshold: threshold must not exceed replicas" },
        { Demo.Replace("replicas: 3\n  threshold: 2", "replicas: 1", StringComparison.Ordinal), "spec.threshold: threshold must not exceed replicas" },
        { Demo.Replace("replicas: 3", "replicas: 0", StringComparison.Ordinal), "spec.replicas: 0 is below the minimum 1" },
        { Demo.Replace("replicas: 3", "replicas: \"3\"", StringComparison.Ordinal), "spec.replicas: must be an integer" },
        { Demo.Replace("replicas: 3", "replica: 3", StringComparison.Ordinal), "spec.replica: unknown field" },
        { Demo.Replace("kind: SecretCluster", "kind: Deployment", StringComparison.Ordinal), "kind: Deployment is not a SecretCluster" },
        { Demo.Replace("secretfleet.io/v1alpha1", "secretfleet.io/v1", StringComparison.Ordinal), "apiVersion: secretfleet.io/v1;" },
        { Demo.Replace("  name: demo\n", "  labels: {}\n", StringComparison.Ordinal), "metadata.name: required" },
        { Demo + "\n  refresh: {schedule: \"0 3 * * *\", interval: 1h}", "spec.refresh: set exactly one of refresh.schedule and refresh.interval" },
        { Demo + "\n  refresh: {interval: 1s}", "spec.refresh: interval '1s' is shorter than the minimum" },
        { Demo + "\n  refresh: {schedule: \"0 0 30 2 *\"}", "spec.refresh: schedule '0 0 30 2 *' never fires" },
        { Demo + "\n  storage: {size: 1 GB}", "spec.storage.size: \"1 GB\" is not a resource quantity" },
        { Demo + "\n  deletionPolicy: Keep", "spec.deletionPolicy: \"Keep\" is not one of \"Retain\", \"Delete\"" },
        { Demo + "\n  issuerRef: {kind: ClusterIssuer}", "spec.issuerRef.name: required" },
        { Demo + "\n  trustDomain: Corp.Example", "spec.trustDomain: \"Corp.Example\" does not match" },
        { "apiVersion: v1\nkind: [\n", "not valid YAML at line 3" },
        { "just a string", "is not a YAML mapping" },
        { "---\n", "holds no SecretCluster" },
        { Demo + "\n---\n" + Demo.Replace("threshold: 2", "threshold: 9", StringComparison.Ordinal), "document 2: spec.threshold: threshold must not exceed replicas" },
    };

    [Theory]
    [MemberData(nameof(BadManifests))]
    public void A_bad_manifest_gets_one_line_naming_the_field_exit_2_and_nothing_on_stdout(string manifest, string expected)
    {
        var (code, stdout, stderr) = Run(manifest, "-f", "-");

        Assert.Equal(RenderCommand.BadInput, code);
        Assert.Equal("", stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("secretfleet-operator: render: <stdin>: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_named_with_exit_2()
    {
        var (code, stdout, stderr) = Run("", "-f", "/nonexistent/cluster.yaml");

        Assert.Equal((2, ""), (code, stdout));
        Assert.Equal("secretfleet-operator: render: cannot read /nonexistent/cluster.yaml: no such file.\n", stderr.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void A_namespace_that_contradicts_the_manifest_is_refused()
    {
        var (code, _, stderr) = Run(Demo.Replace("  name: demo", "  name: demo\n  namespace: team-a", StringComparison.Ordinal), "-f", "-", "-n", "team-b");

        Assert.Equal(2, code);
        Assert.Contains("metadata.namespace: is team-a, but --namespace asks for team-b", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "render needs the manifest")]
    [InlineData("-f", "-f needs a value")]
    [InlineData("-f - -o wide", "-o wide is not a format render prints")]
    [InlineData("-f - --bogus 1", "Unknown flag --bogus for render")]
    [InlineData("-f a.yaml -f b.yaml", "-f is given twice")]
    [InlineData("cluster.yaml", "render takes no argument 'cluster.yaml'")]
    public void Bad_flags_exit_2_with_one_line(string args, string expected)
    {
        var (code, stdout, stderr) = Run(Demo, args.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal((2, ""), (code, stdout));
        Assert.StartsWith($"secretfleet-operator: {expected}", stderr, StringComparison.Ordinal);
    }

    internal static (int Code, string Stdout, string Stderr) Run(string stdin, params string[] args)
    {
        using var input = new StringReader(stdin);
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var code = RenderCommand.Run(args, input, output, errors);
        return (code, output.ToString(), errors.ToString());
    }

    /// <summary>The YAML documents of render's output, read by the tests' own YAML reader (not render's).</summary>
    internal static List<JsonObject> Documents(string yaml) =>
        [.. Yaml.LoadAll(yaml).Where(d => d is not null).Select(d => Yaml.ToJson(d)!.AsObject())];
}
