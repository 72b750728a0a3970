using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator.Tests;

[Trait("Category", "Unit")]
public sealed class StructuralSchemaTests
{
    private static readonly JsonObject Schema = JsonNode.Parse("""
        {"type":"object","properties":{
          "spec":{"type":"object","required":["size"],
            "x-kubernetes-validations":[{"rule":"self.size == oldSelf.size","message":"size is immutable"}],
            "properties":{
              "size":{"type":"integer"},
              "port":{"x-kubernetes-int-or-string":true},
              "labels":{"type":"object","additionalProperties":{"type":"string","maxLength":3}},
              "storage":{"type":"object","default":{},"properties":{"class":{"type":"string","default":"standard"}}},
              "free":{"type":"object","x-kubernetes-preserve-unknown-fields":true},
              "tags":{"type":"array","maxItems":2,"items":{"type":"string","minLength":1}}}}}}
        """)!.AsObject();

    [Fact]
    public void Pruning_drops_undeclared_fields_but_keeps_preserved_ones_and_metadata()
    {
        var obj = Parse("""{"apiVersion":"x/v1","kind":"X","metadata":{"name":"a","anything":1},"spec":{"size":1,"bogus":2,"free":{"deep":{"x":1}}},"top":3}""");

        var unknown = SchemaPruner.Prune(obj, Schema);

        Assert.Equal(["spec.bogus", "top"], unknown.Order(StringComparer.Ordinal));
        Assert.Equal("""{"size":1,"free":{"deep":{"x":1}}}""", obj["spec"]!.ToJsonString());
        Assert.Equal(1, obj["metadata"]!["anything"]!.GetValue<int>());
    }

    [Fact]
    public void Defaults_fill_missing_objects_and_then_their_fields()
    {
        var obj = Parse("""{"spec":{"size":1}}""");

        SchemaPruner.Default(obj, Schema);

        Assert.Equal("standard", obj["spec"]!["storage"]!["class"]!.GetValue<string>());
    }

    [Fact]
    public void Map_values_int_or_string_and_list_bounds_are_checked_with_their_paths()
    {
        var causes = OpenApiValidator.Validate(Parse("""{"spec":{"size":1,"port":true,"labels":{"ok":"abc","long":"abcd"},"tags":["a","","c"]}}"""), null, Schema);

        Assert.Equal(
            ["spec.labels[long] FieldValueTooLong", "spec.port FieldValueTypeInvalid", "spec.tags FieldValueTooMany", "spec.tags[1] FieldValueInvalid"],
            causes.Select(c => $"{c.Field} {c.Reason}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Transition_rule_runs_only_on_update_and_rejects_the_change()
    {
        var created = OpenApiValidator.Validate(Parse("""{"spec":{"size":1}}"""), null, Schema);
        var unchanged = OpenApiValidator.Validate(Parse("""{"spec":{"size":1}}"""), Parse("""{"spec":{"size":1}}"""), Schema);
        var changed = OpenApiValidator.Validate(Parse("""{"spec":{"size":2}}"""), Parse("""{"spec":{"size":1}}"""), Schema);

        Assert.Empty(created);
        Assert.Empty(unchanged);
        var cause = Assert.Single(changed);
        Assert.Equal(("spec", "Invalid value: \"object\": size is immutable"), (cause.Field, cause.Message));
    }

    [Fact]
    public void Rules_are_not_run_once_the_schema_found_type_errors()
    {
        var causes = OpenApiValidator.Validate(Parse("""{"spec":{"size":"big"}}"""), Parse("""{"spec":{"size":1}}"""), Schema);

        Assert.Equal(["<nil>", "spec.size"], causes.Select(c => c.Field).Order(StringComparer.Ordinal));
        Assert.Contains(causes, c => c.Message.Contains("some validation rules were not checked", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("self.all(x, x > 0)", "function 'all'")]
    [InlineData("other.size > 1", "undeclared reference to 'other'")]
    public void Rules_outside_the_supported_cel_subset_do_not_compile(string rule, string reason) =>
        Assert.Contains(reason, CelRules.Compile(rule).Error);

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();
}
