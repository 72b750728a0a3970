using System.Text.Json.Nodes;
using SecretFleet.Kube.Tests.Support;
using SecretFleet.Operator.Crd;

namespace SecretFleet.Kube.Tests.Crd;

[Trait("Category", "Unit")]
public sealed class CrdGeneratorTests
{
    private const string FileName = "secretfleet.io_secretclusters.yaml";

    private static JsonObject Crd => CrdGenerator.Build(typeof(SecretFleet.Kube.SecretClusters.SecretCluster));

    private static JsonObject Schema => Crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!.AsObject();

    private static JsonObject SpecSchema => Schema["properties"]!["spec"]!.AsObject();

    [Fact]
    public void Checked_in_CRD_matches_the_generator()
    {
        var expected = CrdGenerator.Render()[FileName];
        var path = Path.Combine(RepoPaths.Crds, FileName);
        if (Environment.GetEnvironmentVariable("SECRETFLEET_UPDATE_CRDS") == "1")
        {
            CrdGenerator.WriteAll(RepoPaths.Crds);
        }

        var actual = File.Exists(path) ? File.ReadAllText(path) : "";
        Assert.True(
            expected == actual,
            $"{path} is out of date with the SecretCluster C# types. Regenerate it with " +
            "`dotnet run --project operator -- generate-crds crds` " +
            "(or `SECRETFLEET_UPDATE_CRDS=1 dotnet test tests/SecretFleet.Kube.Tests --filter FullyQualifiedName~CrdGeneratorTests`) and commit the result.");
    }

    [Fact]
    public void WriteAll_writes_one_file_per_kind_that_reads_back_as_the_built_CRD()
    {
        using var dir = new TempDirectory();
        var written = CrdGenerator.WriteAll(Path.Combine(dir.Path, "out"));

        var path = Assert.Single(written);
        Assert.Equal(FileName, Path.GetFileName(path));
        Assert.True(JsonNode.DeepEquals(Crd, YamlJson.Single(File.ReadAllText(path))), "the YAML does not read back as the generated CRD");
    }

    [Fact]
    public void Names_scope_and_status_subresource_are_declared()
    {
        var spec = Crd["spec"]!;
        Assert.Equal("secretclusters.secretfleet.io", (string?)Crd["metadata"]!["name"]);
        Assert.Equal("secretfleet.io", (string?)spec["group"]);
        Assert.Equal("Namespaced", (string?)spec["scope"]);
        Assert.Equal("SecretCluster", (string?)spec["names"]!["kind"]);
        Assert.Equal(["sc"], spec["names"]!["shortNames"]!.AsArray().Select(n => (string?)n));
        Assert.Contains("secretfleet", spec["names"]!["categories"]!.AsArray().Select(n => (string?)n));
        var version = spec["versions"]![0]!;
        Assert.Equal("v1alpha1", (string?)version["name"]);
        Assert.NotNull(version["subresources"]!["status"]);
    }

    [Fact]
    public void Printer_columns_are_replicas_ready_threshold_epoch_last_refresh_age()
    {
        var columns = Crd["spec"]!["versions"]![0]!["additionalPrinterColumns"]!.AsArray();

        Assert.Equal(
            ["Replicas", "Ready", "Threshold", "Epoch", "Last Refresh", "Age"],
            columns.Select(c => (string?)c!["name"]));
        Assert.Equal(".status.lastRefreshTime", (string?)columns[4]!["jsonPath"]);
        Assert.Equal("date", (string?)columns[4]!["type"]);
    }

    [Fact]
    public void Spec_carries_the_CEL_rules_and_defaults()
    {
        var rules = SpecSchema["x-kubernetes-validations"]!.AsArray().Select(r => (string?)r!["rule"]).ToList();
        Assert.Contains("self.threshold <= self.replicas", rules);
        Assert.Contains("self.threshold >= 1", rules);
        Assert.Contains("self.replicas <= 255", rules);
        var refreshRule = (string?)SpecSchema["properties"]!["refresh"]!["x-kubernetes-validations"]![0]!["rule"];
        Assert.Contains("has(self.schedule)", refreshRule, StringComparison.Ordinal);

        var properties = SpecSchema["properties"]!;
        Assert.Equal(3L, (long)properties["replicas"]!["default"]!);
        Assert.Equal(2L, (long)properties["threshold"]!["default"]!);
        Assert.Equal("Retain", (string?)properties["deletionPolicy"]!["default"]);
        Assert.Null(properties["trustDomain"]!["default"]);
        Assert.Contains("<name>.<namespace>", (string?)properties["trustDomain"]!["description"], StringComparison.Ordinal);
        Assert.Equal("1Gi", (string?)properties["storage"]!["properties"]!["size"]!["default"]);
        Assert.Equal(255L, (long)properties["replicas"]!["maximum"]!);
    }

    [Fact]
    public void Refresh_decision_allows_commit_abort_or_empty()
    {
        var decision = Schema["properties"]!["status"]!["properties"]!["refresh"]!["properties"]!["decision"]!;

        Assert.Equal(["Commit", "Abort", ""], decision["enum"]!.AsArray().Select(v => (string?)v));
    }

    [Fact]
    public void Conditions_merge_by_type_under_server_side_apply()
    {
        var conditions = Schema["properties"]!["status"]!["properties"]!["conditions"]!;

        Assert.Equal("map", (string?)conditions["x-kubernetes-list-type"]);
        Assert.Equal(["type"], conditions["x-kubernetes-list-map-keys"]!.AsArray().Select(v => (string?)v));
        Assert.Contains("lastTransitionTime", conditions["items"]!["required"]!.AsArray().Select(v => (string?)v));
    }

    [Fact]
    public void Every_schema_node_is_structural()
    {
        var problems = new List<string>();
        Walk(Schema, "openAPIV3Schema", problems);

        Assert.Empty(problems);

        static void Walk(JsonObject node, string path, List<string> problems)
        {
            var intOrString = node["x-kubernetes-int-or-string"] is not null;
            if (node["type"] is null && !intOrString)
            {
                problems.Add($"{path}: no type");
            }

            if (node["properties"] is not null && node["additionalProperties"] is not null)
            {
                problems.Add($"{path}: properties and additionalProperties together");
            }

            foreach (var (name, child) in node["properties"]?.AsObject() ?? [])
            {
                Walk(child!.AsObject(), $"{path}.{name}", problems);
            }

            if (node["items"] is JsonObject items)
            {
                Walk(items, path + "[]", problems);
            }

            if (node["additionalProperties"] is JsonObject values)
            {
                Walk(values, path + "{}", problems);
            }
        }
    }
}
