using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using SecretFleet.Kube.CertManager;
using SecretFleet.Kube.Json;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.Operator.Reconciliation;
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
            Spread = new SpreadSpec { Hosts = SpreadRule.Preferred, Zones = SpreadRule.Required },
        },
    };

    /// <summary>Every object the builders make, under the name of its golden file.</summary>
    public static IReadOnlyList<(string Golden, JsonObject Object)> Built()
    {
        var demo = TestClusters.Demo();
        var custom = Custom;
        (string, IKubernetesObject<V1ObjectMeta>)[] all =
        [
            ("demo-service", HeadlessServiceSpec.Build(demo, 3, 2, "ghcr.io/secretfleet/node:0.1.0")),
            ("demo-network-policy", NetworkPolicySpec.Build(demo, new NodeNetworkPeers("secretfleet-system", "secretfleet-system"))),
            ("demo-pod-0", NodePodSpec.Build(demo, "ghcr.io/secretfleet/node:0.1.0", 0, 2)),
            ("demo-claim-0", DataClaimSpec.Build(demo, 0)),
            ("demo-pdb", PodDisruptionBudgetSpec.Build(demo, 2)),
            ("demo-issuer-selfsigned", IssuerSpecs.SelfSigned(demo)),
            ("demo-certificate-ca", CertificateSpecs.CertificateAuthority(demo)),
            ("demo-node-0-key", NodeKeySecretSpec.Build(demo, 0, TestClusters.Key(0))),
            ("custom-pod-4", NodePodSpec.Build(custom, custom.Spec.Image!, 4, 3)),
            ("custom-network-policy", NetworkPolicySpec.Build(custom, new NodeNetworkPeers("operators", "monitoring"))),
            ("custom-claim-4", DataClaimSpec.Build(custom, 4)),
            ("custom-certificate-node-4", CertificateSpecs.Node(custom, 4)),
            ("custom-certificate-operator", CertificateSpecs.Operator(custom)),
            ("custom-certificate-client", CertificateSpecs.Client(custom)),
            ("custom-certificate-client-ci", CertificateSpecs.Client(custom, "ci")),
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
        var pod = Built().Single(b => b.Golden == "demo-pod-0").Object;
        pod["spec"]!["containers"]![0]!["ports"]![0]!["containerPort"] = "7443";

        var result = Assert.Single(await UpstreamSchemas.ValidateAsync([pod]));

        Assert.Contains(result.Errors, e => e.Contains("containerPort", StringComparison.Ordinal));
    }

    [Fact]
    public void Each_node_identity_names_only_its_own_pod_whether_the_operator_or_an_issuer_signs_it()
    {
        var demo = TestClusters.Demo();
        var signed = SignedIdentitySpecs.All(demo with { Spec = demo.Spec with { Clients = [new ClientSpec { Name = "ci" }] } }, 3);

        Assert.Equal(["demo-node-0-tls", "demo-node-1-tls", "demo-node-2-tls", "demo-operator-tls", "demo-client-tls", "demo-client-ci-tls"], signed.Select(s => s.SecretName));
        Assert.Equal("spiffe://demo.vault/client/ci", signed[^1].Identity.ToString());
        for (var ordinal = 0; ordinal < 3; ordinal++)
        {
            Assert.Equal(ChildNames.NodeIdentity(demo, ordinal), signed[ordinal].Identity);
            Assert.Equal([$"demo-{ordinal}.demo-nodes.vault.svc", $"demo-{ordinal}.demo-nodes.vault.svc.cluster.local"], signed[ordinal].DnsNames);

            var certificate = CertificateSpecs.Node(Custom, ordinal);
            var spec = certificate.Spec!;
            Assert.Equal($"demo-node-{ordinal}", certificate.Metadata.Name);
            Assert.Equal([$"demo-{ordinal}.demo-nodes.vault.svc", $"demo-{ordinal}.demo-nodes.vault.svc.cluster.local"], spec.DnsNames!);
            Assert.Equal([ChildNames.NodeIdentity(Custom, ordinal).ToString()], spec.Uris!);
            Assert.Equal(["digital signature", "server auth", "client auth"], spec.Usages!);
            Assert.Equal($"demo-node-{ordinal}-tls", spec.SecretName);
        }

        Assert.Throws<InvalidOperationException>(() => CertificateSpecs.Node(demo, 0));
    }

    [Fact]
    public void Fleets_sharing_an_issuer_get_trust_domains_of_their_own_unless_the_spec_names_one()
    {
        static SecretCluster Named(string name, string? trustDomain = null) => TestClusters.Demo() with
        {
            Metadata = TestClusters.Demo().Metadata with { Name = name },
            Spec = TestClusters.Demo().Spec with { IssuerRef = new IssuerRef { Name = "corp-ca", Kind = IssuerKind.ClusterIssuer }, TrustDomain = trustDomain },
        };
        static string Uri(Certificate certificate) => certificate.Spec!.Uris![0];

        Assert.Equal("spiffe://a.vault/operator/secretfleet-operator", Uri(CertificateSpecs.Operator(Named("a"))));
        Assert.Equal("spiffe://b.vault/operator/secretfleet-operator", Uri(CertificateSpecs.Operator(Named("b"))));
        Assert.Equal("spiffe://a.vault/node/a-0", Uri(CertificateSpecs.Node(Named("a"), 0)));
        Assert.Equal("spiffe://b.vault/client/default", Uri(CertificateSpecs.Client(Named("b"))));
        Assert.Equal("spiffe://corp.example/node/a-1", Uri(CertificateSpecs.Node(Named("a", "corp.example"), 1)));
    }

    [Fact]
    public void By_default_no_two_node_pods_of_a_fleet_may_share_a_host_and_the_rules_can_be_relaxed()
    {
        static JsonNode? AntiAffinity(SpreadSpec spread) =>
            JsonSerializer.SerializeToNode(NodePodSpec.Build(TestClusters.Demo() with { Spec = TestClusters.Demo().Spec with { Spread = spread } }, "node:1", 1, 2), KubeJson.Options)!["spec"]!["affinity"]?["podAntiAffinity"];

        var byDefault = AntiAffinity(new SpreadSpec())!;
        var relaxed = AntiAffinity(new SpreadSpec { Hosts = SpreadRule.Preferred, Zones = SpreadRule.Required })!;

        var required = Assert.Single(byDefault["requiredDuringSchedulingIgnoredDuringExecution"]!.AsArray())!;
        Assert.Equal("kubernetes.io/hostname", (string?)required["topologyKey"]);
        Assert.Equal("demo", (string?)required["labelSelector"]!["matchLabels"]!["app.kubernetes.io/instance"]);
        Assert.Equal("node", (string?)required["labelSelector"]!["matchLabels"]!["app.kubernetes.io/component"]);
        Assert.Null(byDefault["preferredDuringSchedulingIgnoredDuringExecution"]);
        Assert.Equal("topology.kubernetes.io/zone", (string?)Assert.Single(relaxed["requiredDuringSchedulingIgnoredDuringExecution"]!.AsArray())!["topologyKey"]);
        Assert.Equal("kubernetes.io/hostname", (string?)Assert.Single(relaxed["preferredDuringSchedulingIgnoredDuringExecution"]!.AsArray())!["podAffinityTerm"]!["topologyKey"]);
        Assert.Null(AntiAffinity(new SpreadSpec { Hosts = SpreadRule.None }));
    }

    [Fact]
    public void A_node_pod_mounts_only_its_own_certificate_and_key_Secrets_and_its_own_volume()
    {
        var pod = NodePodSpec.Build(TestClusters.Demo(), "node:1", 1, 2);

        Assert.Equal(["demo-node-1-tls", "demo-node-1-key"], NodePodSpec.MountedSecrets(pod));
        Assert.Equal("data-demo-1", pod.Spec.Volumes.Single(v => v.Name == "data").PersistentVolumeClaim.ClaimName);
        Assert.Equal(("demo-1", "demo-nodes"), (pod.Spec.Hostname, pod.Spec.Subdomain));
        var args = pod.Spec.Containers[0].Args.ToList();
        Assert.Equal("/etc/secretfleet/key/node.key", args[args.IndexOf("--key-file") + 1]);
        Assert.Equal("1", args[args.IndexOf("--ordinal") + 1]);
        Assert.DoesNotContain("--key-dir", args);
        Assert.Equal(TestClusters.Uid, Assert.Single(pod.Metadata.OwnerReferences!).Uid);
    }

    [Fact]
    public void With_an_issuerRef_there_is_no_own_CA_and_leaves_use_the_given_issuer()
    {
        var all = CertificateSpecs.All(Custom, 2);

        Assert.Equal(["demo-node-0", "demo-node-1", "demo-operator", "demo-client"], all.Select(c => c.Metadata.Name));
        Assert.All(all, c => Assert.Equal(("corp-ca", "ClusterIssuer"), (c.Spec!.IssuerRef!.Name, c.Spec.IssuerRef.Kind)));
        Assert.Equal("spiffe://corp.example/operator/secretfleet-operator", all[2].Spec!.Uris![0]);
        Assert.Equal(["demo-ca"], CertificateSpecs.All(TestClusters.Demo(), 2).Select(c => c.Metadata.Name));
        Assert.Equal(["demo-selfsigned"], IssuerSpecs.All(TestClusters.Demo()).Select(i => i.Metadata.Name));
    }

    /// <summary>The values an operator before 0.2 computed for these pods (its builder wrote JSON by hand, quantities as the user spelt them).</summary>
    [Theory]
    [InlineData("demo", "fb3611286d67684f")]
    [InlineData("custom", "ec5d0cb533fcb059")]
    [InlineData("unusual-quantities", "e3d707d8ef86ff89")]
    public void Legacy_template_hash_is_the_one_an_older_operator_gave_the_same_pod(string which, string hash)
    {
        var unusual = Custom with
        {
            Spec = Custom.Spec with
            {
                Resources = new ResourceRequirements { Requests = new Dictionary<string, Quantity> { ["cpu"] = "0.5", ["memory"] = "1024Mi" } },
                Spread = new SpreadSpec { Hosts = SpreadRule.None, Zones = SpreadRule.None },
            },
        };
        var legacy = which switch
        {
            "demo" => NodePodSpec.LegacyTemplateHash(TestClusters.Demo(), "ghcr.io/secretfleet/node:0.1.0", 0, 2),
            "custom" => NodePodSpec.LegacyTemplateHash(Custom, Custom.Spec.Image!, 4, 3),
            _ => NodePodSpec.LegacyTemplateHash(unusual, "x/y:1", 1, 3),
        };

        Assert.Equal(hash, legacy);
    }

    [Fact]
    public void Template_hash_follows_the_pod_spec()
    {
        var demo = TestClusters.Demo();
        string Hash(int ordinal, string image) => NodePodSpec.TemplateHashOf(NodePodSpec.Build(demo, image, ordinal, 2))!;

        Assert.Equal(Hash(0, "node:1"), Hash(0, "node:1"));
        Assert.NotEqual(Hash(0, "node:1"), Hash(0, "node:2"));
        Assert.NotEqual(Hash(0, "node:1"), Hash(1, "node:1"));
        Assert.Matches("^[0-9a-f]{16}$", Hash(0, "node:1"));
    }

    [Fact]
    public void Service_records_the_applied_shape_and_it_reads_back()
    {
        var service = HeadlessServiceSpec.Build(TestClusters.Demo(5, 3), 5, 3, "node:1");

        Assert.Equal(new AppliedShape(5, 3), AppliedShape.OfService(service));
    }

    [Fact]
    public void A_legacy_StatefulSet_gives_its_shape()
    {
        var legacy = JsonSerializer.Deserialize<V1StatefulSet>(File.ReadAllText(RepoPaths.Of("tests", "SecretFleet.Operator.Tests", "Specs", "legacy", "demo-statefulset.json")), KubeJson.Options)!;

        Assert.Equal(new AppliedShape(3, 2), AppliedShape.OfLegacy(legacy));
    }

    [Fact]
    public void A_node_key_Secret_holds_exactly_32_bytes_in_node_key()
    {
        var secret = NodeKeySecretSpec.Build(TestClusters.Demo(), 2, TestClusters.Key(2));

        Assert.Equal("demo-node-2-key", secret.Metadata.Name);
        Assert.Equal(TestClusters.Key(2), Assert.Single(secret.Data!, d => d.Key == "node.key").Value);
        Assert.Throws<InvalidOperationException>(() => NodeKeySecretSpec.Build(TestClusters.Demo(), 2, new byte[31]));
    }

    [Fact]
    public void Fresh_node_keys_are_32_random_bytes_each()
    {
        var keys = Enumerable.Range(0, 3).Select(NodeKeySecretSpec.NewKey).ToList();

        Assert.All(keys, k => Assert.Equal(32, k.Length));
        Assert.Equal(3, keys.Select(Convert.ToHexString).Distinct().Count());
    }
}
