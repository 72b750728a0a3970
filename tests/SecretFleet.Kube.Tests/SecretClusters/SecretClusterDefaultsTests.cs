using System.Text.Json.Nodes;
using SecretFleet.Kube.Json;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.Operator.Crd;

namespace SecretFleet.Kube.Tests.SecretClusters;

[Trait("Category", "Unit")]
public sealed class SecretClusterDefaultsTests
{
    /// <summary>
    /// The API server fills CRD defaults, our records fill C# initializers; a spec read with either must be
    /// the same spec, or the operator and `kubectl get -o yaml` would disagree.
    /// </summary>
    [Fact]
    public void CRD_defaults_match_the_CSharp_initializers()
    {
        var schema = CrdGenerator.Build(typeof(SecretCluster))["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!;
        var initialized = JsonNode.Parse(KubeJson.Serialize(new SecretClusterSpec()))!.AsObject();
        var mismatches = new List<string>();

        Compare(schema.AsObject(), initialized, "spec", mismatches);

        Assert.Empty(mismatches);

        static void Compare(JsonObject schema, JsonObject value, string path, List<string> mismatches)
        {
            foreach (var (name, property) in schema["properties"]?.AsObject() ?? [])
            {
                var child = property!.AsObject();
                var actual = value[name];
                if (child["default"] is { } expected && child["type"]?.GetValue<string>() != "object" && !JsonNode.DeepEquals(expected, actual))
                {
                    mismatches.Add($"{path}.{name}: CRD default {expected.ToJsonString()}, C# {actual?.ToJsonString() ?? "null"}");
                }

                if (child["default"] is JsonObject defaultObject && child["type"]?.GetValue<string>() == "object" && defaultObject.Count > 0)
                {
                    foreach (var (key, expectedValue) in defaultObject)
                    {
                        if (!JsonNode.DeepEquals(expectedValue, actual?[key]))
                        {
                            mismatches.Add($"{path}.{name}.{key}: CRD default {expectedValue?.ToJsonString()}, C# {actual?[key]?.ToJsonString() ?? "null"}");
                        }
                    }
                }

                if (child["properties"] is not null && actual is JsonObject nested)
                {
                    Compare(child, nested, $"{path}.{name}", mismatches);
                }
            }
        }
    }
}
