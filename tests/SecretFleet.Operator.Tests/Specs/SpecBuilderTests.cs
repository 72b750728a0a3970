using System.Text.Json;
using System.Text.Json.Nodes;
using SecretFleet.Kube.Json;
using SecretFleet.Kube.Models;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.Operator.Specs;
using SecretFleet.Operator.Tests.Support;

namespace SecretFleet.Operator.Tests.Specs;

[Trait("Category", "Unit")]
public sealed class SpecBuilderTests
{
    private const string UpdateVariable = "SECRETFLEET_UPDATE_GOLDEN";

    private static SecretCluster Custom => TestClusters.Demo(5, 3) with
    {
        Spec = TestClusters.Demo(5, 3).Spec with
        {
            Image = "registry.example/secretfleet/node:1.2.3",
            Storage = new StorageSpec { Size = "5Gi", StorageClassName = "fast-ssd" },
            Resources = new ResourceRequirements { Requests = new Dictionary<string, Quantity> { ["memory"] = "256Mi", ["cpu"] = "250m" }, Limits = new Dictionary<string, Quantity> { ["memory"] = "512Mi" } },
            IssuerRef = new IssuerRef { Name = "corp-ca", Kind = IssuerKind.ClusterIssuer },
            DeletionPolicy = DeletionPolicy.Delete,
            TrustDomain = "corp.example",
        },
    };

    /// <summary>Every object the builders make, under the name of its golden file.</summary>
    public static IReadOnlyList<(string Golden, JsonObject Object)> Built()
    {
        var demo = TestClusters.Demo();
        var custom = Custom;
        (string, IKubeObject)[] all =
        [
            ("demo-service", HeadlessServiceSpec.Build(demo)),
            ("demo-statefulset", StatefulSetSpec.Build(demo, "ghcr.io/secretfleet/node:0.1.0", 3, 2)),
            ("demo-pdb", PodDisruptionBudgetSpec.Build(demo, 2)),
            ("demo-issuer-selfsigned", IssuerSpecs.SelfSigned(demo)),
            ("demo-issuer-ca", IssuerSpecs.CertificateAuthority(demo)),
            ("demo-certificate-ca", CertificateSpecs.CertificateAuthority(demo)),
            ("demo-certificate-node", CertificateSpecs.Node(demo)),
            ("demo-certificate-operator", CertificateSpecs.Operator(demo)),
            ("demo-certificate-client", CertificateSpecs.Client(demo)),
            ("demo-node-keys", NodeKeysSecretSpec.Build(demo, 3, TestClusters.Key)),
            ("custom-statefulset", StatefulSetSpec.Build(custom, "ghcr.io/secretfleet/node:0.1.0", 5, 3)),
            ("custom-certificate-node", CertificateSpecs.Node(custom)),
            ("custom-pdb", PodDisruptionBudgetSpec.Build(custom, 3)),
        ];
        return [.. all.Select(a => (a.Item1, JsonSerializer.SerializeToNode(a.Item2, a.Item2.GetType(), KubeJson.Options)!.AsObject()))];
    }

    public static TheoryData<string> GoldenNames() => [.. Built().Select(b => b.Golden)];

    [Theory]
    [MemberData(nameof(GoldenNames))]
    public void Built_object_matches_its_golden_file(string golden)
    {
        var built = Built().Single(b => b.Golden == golden).Object;
        var text = built.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
        var path = RepoPaths.Of("tests", "SecretFleet.Operator.Tests", "Specs", "golden", golden + ".json");
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            File.WriteAllText(path, text);
        }

        Assert.True(File.Exists(path), $"{path} is missing; run the tests with {UpdateVariable}=1 to write it, review it and commit it.");
        Assert.True(
            File.ReadAllText(path) == text,
            $"{golden}.json differs from what the builder makes now. If the change is intended, run `{UpdateVariable}=1 dotnet test tests/SecretFleet.Operator.Tests --filter FullyQualifiedName~SpecBuilderTests`, review the diff and commit it.\nBuilt:\n{text}");
    }

    [Fact]
    public async Task Every_built_object_validates_against_the_upstream_schemas_cert_manager_included()
    {
        var built = Built();

        var results = await UpstreamSchemas.ValidateAsync([.. built.Select(b => b.Object)]);

        for (var i = 0; i < built.Count; i++)
        {
            Assert.True(results[i].Known, $"{built[i].Golden}: no upstream schema for {built[i].Object["apiVersion"]} {built[i].Object["kind"]}");
            Assert.True(results[i].Errors.Count == 0, $"{built[i].Golden}: {string.Join("; ", results[i].Errors)}");
        }
    }

    [Fact]
    public async Task A_broken_object_is_caught_by_the_schema_check()
    {
        var statefulSet = Built().Single(b => b.Golden == "demo-statefulset").Object;
        statefulSet["spec"]!["template"]!["spec"]!["containers"]![0]!["ports"]![0]!["containerPort"] = "7443";

        var result = Assert.Single(await UpstreamSchemas.ValidateAsync([statefulSet]));

        Assert.Contains(result.Errors, e => e.Contains("containerPort", StringComparison.Ordinal));
    }

    [Fact]
    public void Node_certificate_names_every_pod_of_the_headless_service_and_the_node_identity()
    {
        var spec = CertificateSpecs.Node(TestClusters.Demo()).Body["spec"]!;

        Assert.Equal(["*.demo-nodes.vault.svc", "*.demo-nodes.vault.svc.cluster.local"], spec["dnsNames"]!.AsArray().Select(n => (string?)n));
        Assert.Equal(["spiffe://secretfleet.local/node/demo"], spec["uris"]!.AsArray().Select(n => (string?)n));
        Assert.Contains("server auth", spec["usages"]!.AsArray().Select(n => (string?)n));
        Assert.Contains("client auth", spec["usages"]!.AsArray().Select(n => (string?)n));
        Assert.Equal("demo-node-tls", (string?)spec["secretName"]);
        Assert.Equal("demo-ca", (string?)spec["issuerRef"]!["name"]);
    }

    [Fact]
    public void With_an_issuerRef_there_is_no_own_CA_and_leaves_use_the_given_issuer()
    {
        var all = CertificateSpecs.All(Custom);

        Assert.Equal(["demo-node", "demo-operator", "demo-client"], all.Select(c => c.Metadata.Name));
        Assert.All(all, c => Assert.Equal(("corp-ca", "ClusterIssuer"), ((string?)c.Body["spec"]!["issuerRef"]!["name"], (string?)c.Body["spec"]!["issuerRef"]!["kind"])));
        Assert.Equal("spiffe://corp.example/operator/secretfleet-operator", (string?)all[1].Body["spec"]!["uris"]![0]);
    }

    [Fact]
    public void Template_hash_follows_the_pod_template_and_not_the_replica_count()
    {
        var demo = TestClusters.Demo();
        string Hash(KubeObject o) => StatefulSetSpec.TemplateHashOf(Kube(o))!;

        var three = Hash(StatefulSetSpec.Build(demo, "node:1", 3, 2));
        var five = Hash(StatefulSetSpec.Build(demo, "node:1", 5, 2));
        var newImage = Hash(StatefulSetSpec.Build(demo, "node:2", 3, 2));

        Assert.Equal(three, five);
        Assert.NotEqual(three, newImage);
        Assert.Matches("^[0-9a-f]{16}$", three);
    }

    [Fact]
    public void StatefulSet_records_the_threshold_and_reads_it_back()
    {
        var built = Kube(StatefulSetSpec.Build(TestClusters.Demo(5, 3), "node:1", 5, 3));

        Assert.Equal(3, StatefulSetSpec.ThresholdOf(built));
        Assert.Equal(5, StatefulSetSpec.ReplicasOf(built));
    }

    [Fact]
    public void Node_keys_are_added_for_new_ordinals_only()
    {
        var existing = NodeKeysSecretSpec.Build(TestClusters.Demo(), 3, TestClusters.Key);

        var missing = NodeKeysSecretSpec.MissingKeys(existing, 5, _ => new byte[32]);

        Assert.Equal(["node-3.key", "node-4.key"], missing.Keys);
        Assert.Empty(NodeKeysSecretSpec.MissingKeys(existing, 2));
    }

    [Fact]
    public void Fresh_node_keys_are_32_random_bytes_each()
    {
        var secret = NodeKeysSecretSpec.Build(TestClusters.Demo(), 3);

        Assert.All(secret.Data!.Values, k => Assert.Equal(32, k.Length));
        Assert.Equal(3, secret.Data.Values.Select(Convert.ToHexString).Distinct().Count());
    }

    private static StatefulSet Kube(KubeObject obj) => Operator.Reconciliation.KubeObjects.As<StatefulSet>(obj);
}
