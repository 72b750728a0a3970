using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator.Tests;

[Trait("Category", "Unit")]
public sealed class SelectorTests
{
    private static readonly Dictionary<string, string> Labels = new() { ["app"] = "fleet", ["tier"] = "db", ["secretfleet.io/cluster"] = "c1" };

    [Theory]
    [InlineData("", true)]
    [InlineData("app=fleet", true)]
    [InlineData("app==fleet", true)]
    [InlineData("app=other", false)]
    [InlineData("app!=other", true)]
    [InlineData("missing!=x", true)]
    [InlineData("tier in (db,web)", true)]
    [InlineData("tier in (web)", false)]
    [InlineData("tier notin (web)", true)]
    [InlineData("missing notin (web)", true)]
    [InlineData("secretfleet.io/cluster", true)]
    [InlineData("!secretfleet.io/cluster", false)]
    [InlineData("!missing", true)]
    [InlineData("app=fleet,tier in (db),!missing", true)]
    [InlineData("app=fleet,tier=web", false)]
    public void Label_selector_matches_as_kubernetes_does(string selector, bool expected)
    {
        var (parsed, error) = LabelSelector.Parse(selector);

        Assert.Null(error);
        Assert.Equal(expected, parsed!.Matches(Labels));
    }

    [Theory]
    [InlineData("tier in (db")]
    [InlineData("=x")]
    [InlineData("tier in db")]
    [InlineData("bad key=x")]
    public void Malformed_label_selector_is_refused(string selector)
    {
        var (parsed, error) = LabelSelector.Parse(selector);

        Assert.Null(parsed);
        Assert.Contains("unable to parse requirement", error);
    }

    [Theory]
    [InlineData("metadata.name=a", true)]
    [InlineData("metadata.name!=a", false)]
    [InlineData("metadata.namespace=default,status.phase=Running", true)]
    [InlineData("status.phase=Pending", false)]
    public void Field_selector_compares_dotted_paths(string selector, bool expected)
    {
        var pod = JsonNode.Parse("""{"metadata":{"name":"a","namespace":"default"},"status":{"phase":"Running"}}""")!.AsObject();

        Assert.Equal(expected, FieldSelector.Parse(selector).Selector!.Matches(pod));
    }
}
