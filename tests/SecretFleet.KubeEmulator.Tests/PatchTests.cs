using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator.Tests;

[Trait("Category", "Unit")]
public sealed class PatchTests
{
    private const string Pod = """
        {"metadata":{"name":"p","finalizers":["a"],"labels":{"x":"1","y":"2"}},
         "spec":{"containers":[{"name":"one","image":"i1"},{"name":"two","image":"i2","env":[{"name":"A","value":"1"}]}]}}
        """;

    [Fact]
    public void Merge_patch_merges_maps_removes_nulls_and_replaces_lists()
    {
        var result = JsonMergePatch.Apply(Parse(Pod), JsonNode.Parse("""{"metadata":{"labels":{"x":null,"z":"3"}},"spec":{"containers":[{"name":"only"}]}}"""));

        Assert.Equal("""{"y":"2","z":"3"}""", result!["metadata"]!["labels"]!.ToJsonString());
        Assert.Equal("""[{"name":"only"}]""", result["spec"]!["containers"]!.ToJsonString());
    }

    [Fact]
    public void Strategic_merge_patch_merges_containers_by_name_and_honours_directives()
    {
        var patch = Parse("""
            {"metadata":{"finalizers":["b"]},
             "spec":{"$setElementOrder/containers":[{"name":"two"},{"name":"one"}],
                     "containers":[{"name":"two","image":"i2b","env":[{"name":"B","value":"2"}]},{"name":"one","$patch":"delete"},{"name":"three","image":"i3"}]}}
            """);

        var result = StrategicMergePatch.Apply(Parse(Pod), patch);

        Assert.Equal("""["a","b"]""", result["metadata"]!["finalizers"]!.ToJsonString());
        Assert.Equal(
            """[{"name":"two","image":"i2b","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]},{"name":"three","image":"i3"}]""",
            result["spec"]!["containers"]!.ToJsonString());
    }

    [Fact]
    public void Strategic_merge_patch_replace_directive_and_retain_keys()
    {
        var result = StrategicMergePatch.Apply(Parse(Pod), Parse("""{"metadata":{"labels":{"$patch":"replace","only":"this"}},"spec":{"$retainKeys":["containers"],"extra":1}}"""));

        Assert.Equal("""{"only":"this"}""", result["metadata"]!["labels"]!.ToJsonString());
        Assert.Null(result["spec"]!["extra"]);
        Assert.NotNull(result["spec"]!["containers"]);
    }

    [Fact]
    public void Json_patch_applies_operations_in_order_and_reports_a_failed_test()
    {
        var operations = JsonNode.Parse("""
            [{"op":"add","path":"/metadata/labels/z","value":"3"},
             {"op":"remove","path":"/metadata/finalizers/0"},
             {"op":"replace","path":"/spec/containers/0/image","value":"new"},
             {"op":"copy","from":"/metadata/labels/y","path":"/metadata/labels/w"},
             {"op":"move","from":"/metadata/labels/x","path":"/metadata/labels/v"},
             {"op":"add","path":"/spec/containers/-","value":{"name":"last"}},
             {"op":"test","path":"/metadata/labels/z","value":"3"}]
            """)!.AsArray();

        var (result, error) = JsonPatch.Apply(Parse(Pod), operations);
        var (_, failed) = JsonPatch.Apply(Parse(Pod), JsonNode.Parse("""[{"op":"test","path":"/metadata/name","value":"q"}]""")!.AsArray());

        Assert.Null(error);
        Assert.Equal("""{"y":"2","z":"3","w":"2","v":"1"}""", result!["metadata"]!["labels"]!.ToJsonString());
        Assert.Equal("[]", result["metadata"]!["finalizers"]!.ToJsonString());
        Assert.Equal("new", result["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
        Assert.Equal("last", result["spec"]!["containers"]![2]!["name"]!.GetValue<string>());
        Assert.Equal("testing value /metadata/name failed", failed);
    }

    [Fact]
    public void Json_patch_on_a_missing_path_fails_naming_it() =>
        Assert.Equal("doc is missing path: \"/spec/nothing/here\"",
            JsonPatch.Apply(Parse(Pod), JsonNode.Parse("""[{"op":"remove","path":"/spec/nothing/here"}]""")!.AsArray()).Error);

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();
}
