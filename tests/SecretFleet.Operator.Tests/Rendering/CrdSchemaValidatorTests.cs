using System.Text.Json.Nodes;
using SecretFleet.Kube.Json;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.Operator.Crd;
using SecretFleet.Operator.Rendering;

namespace SecretFleet.Operator.Tests.Rendering;

[Trait("Category", "Unit")]
public sealed class CrdSchemaValidatorTests
{
    private static JsonObject Schema() =>
        JsonNode.Parse(CrdGenerator.Build(typeof(SecretCluster))["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!.ToJsonString())!.AsObject();

    private static JsonObject Minimal() => JsonNode.Parse("""{"apiVersion":"secretfleet.io/v1alpha1","kind":"SecretCluster","metadata":{"name":"x"}}""")!.AsObject();

    [Fact]
    public void Schema_defaults_fill_in_what_the_C_sharp_defaults_say()
    {
        var obj = Minimal();

        Assert.Empty(CrdSchemaValidator.DefaultAndValidate(obj, Schema()));

        var typed = KubeJson.Serialize(new SecretCluster { Metadata = new() { Name = "x" } });
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(typed)!["spec"], obj["spec"]), $"schema defaults {obj["spec"]} differ from the C# defaults {JsonNode.Parse(typed)!["spec"]}");
    }

    [Fact]
    public void Every_CEL_rule_of_the_CRD_evaluates_on_a_valid_cluster_and_holds()
    {
        var rules = new List<string>();
        Collect(Schema(), rules);
        Assert.Equal(5, rules.Count);

        var spec = JsonNode.Parse("""{"replicas":3,"threshold":2,"refresh":{"interval":"24h"},"clients":[{"name":"team-a"}]}""");
        foreach (var rule in rules)
        {
            var self = rule.Contains("schedule", StringComparison.Ordinal) ? spec!["refresh"] : rule.Contains("self.name", StringComparison.Ordinal) ? spec!["clients"]![0] : spec;
            Assert.Equal((true, (string?)null), CelRules.Evaluate(rule, self));
        }
    }

    [Fact]
    public void A_rule_that_cannot_be_evaluated_is_a_problem_not_a_pass()
    {
        Assert.False(CelRules.Evaluate("self.nosuchfield > 1", JsonNode.Parse("{}")).Holds);
        Assert.NotNull(CelRules.Evaluate("self.(", JsonNode.Parse("{}")).Error);
    }

    [Fact]
    public void Rules_see_the_defaulted_object_as_the_API_server_does()
    {
        var obj = Minimal();
        obj["spec"] = new JsonObject { ["replicas"] = 1 };

        var problem = Assert.Single(CrdSchemaValidator.DefaultAndValidate(obj, Schema()));

        Assert.Equal("spec.threshold", problem.Field);
    }

    [Theory]
    [InlineData("default", "spec.clients[0].name", "built-in client")]
    [InlineData("Team-A", "spec.clients[0].name", "")]
    [InlineData("team_a", "spec.clients[0].name", "")]
    public void A_client_named_default_or_not_as_a_DNS_label_is_refused(string client, string field, string words)
    {
        var obj = Minimal();
        obj["spec"] = new JsonObject { ["clients"] = new JsonArray(new JsonObject { ["name"] = client }) };

        var problem = Assert.Single(CrdSchemaValidator.DefaultAndValidate(obj, Schema()));

        Assert.Equal(field, problem.Field);
        Assert.Contains(words, problem.Message, StringComparison.Ordinal);
    }

    private static void Collect(JsonNode? node, List<string> rules)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var rule in (obj["x-kubernetes-validations"] as JsonArray ?? []).Select(r => (string)r!["rule"]!))
                {
                    rules.Add(rule);
                }

                foreach (var (_, child) in obj)
                {
                    Collect(child, rules);
                }

                break;
            case JsonArray list:
                foreach (var item in list)
                {
                    Collect(item, rules);
                }

                break;
        }
    }
}
