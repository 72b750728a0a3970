using System.Text.Json.Nodes;
using SecretFleet.Operator.Specs;

namespace SecretFleet.Operator.Tests.Specs;

[Trait("Category", "Unit")]
public sealed class CanonicalJsonTests
{
    [Fact]
    public void The_same_members_in_another_order_give_the_same_text_and_a_changed_value_or_list_order_does_not()
    {
        var a = JsonNode.Parse("""{"b":1,"a":{"y":[3,{"q":1,"p":2}],"x":null}}""");
        var reordered = JsonNode.Parse("""{"a":{"x":null,"y":[3,{"p":2,"q":1}]},"b":1}""");
        var changed = JsonNode.Parse("""{"a":{"x":null,"y":[3,{"p":2,"q":2}]},"b":1}""");
        var listReordered = JsonNode.Parse("""{"a":{"x":null,"y":[{"p":2,"q":1},3]},"b":1}""");

        Assert.Equal(CanonicalJson.Of(a), CanonicalJson.Of(reordered));
        Assert.Equal("""{"a":{"x":null,"y":[3,{"p":2,"q":1}]},"b":1}""", CanonicalJson.Of(a));
        Assert.NotEqual(CanonicalJson.Of(a), CanonicalJson.Of(changed));
        Assert.NotEqual(CanonicalJson.Of(a), CanonicalJson.Of(listReordered));
    }
}
