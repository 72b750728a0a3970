using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator.Tests;

[Trait("Category", "Unit")]
public sealed class CelEvaluatorTests
{
    [Theory]
    [InlineData("self.threshold <= self.replicas", """{"threshold":3,"replicas":5}""", true)]
    [InlineData("self.threshold <= self.replicas", """{"threshold":6,"replicas":5}""", false)]
    [InlineData("has(self.mode) && self.mode == 'fast'", """{"mode":"fast"}""", true)]
    [InlineData("!has(self.mode) || self.mode != \"fast\"", """{"mode":"fast"}""", false)]
    [InlineData("self.replicas % 2 == 1 && size(self.name) > 2", """{"replicas":5,"name":"abc"}""", true)]
    [InlineData("self.name.startsWith('ab') ? self.replicas > 1 : false", """{"replicas":5,"name":"abc"}""", true)]
    [InlineData("self.mode in ['fast', 'safe']", """{"mode":"slow"}""", false)]
    [InlineData("self.items.size() == 2 && self.items[1] == 'b'", """{"items":["a","b"]}""", true)]
    public void Rule_evaluates_over_the_object(string rule, string self, bool expected)
    {
        var (expression, error) = CelParser.Parse(rule);
        Assert.Null(error);

        var (value, runtimeError) = CelEvaluator.Evaluate(expression!, new Dictionary<string, JsonNode?> { ["self"] = JsonNode.Parse(self) });

        Assert.Null(runtimeError);
        Assert.Equal(expected, value);
    }

    [Fact]
    public void Missing_field_is_a_runtime_error_naming_the_key()
    {
        var (expression, _) = CelParser.Parse("self.threshold <= self.replicas");

        var (_, error) = CelEvaluator.Evaluate(expression!, new Dictionary<string, JsonNode?> { ["self"] = JsonNode.Parse("""{"replicas":1}""") });

        Assert.Equal("no such key: threshold", error);
    }

    [Theory]
    [InlineData("self.a <=")]
    [InlineData("self.a == 'unterminated")]
    [InlineData("(self.a")]
    public void Malformed_rule_fails_to_compile(string rule) =>
        Assert.NotNull(CelParser.Parse(rule).Error);
}
