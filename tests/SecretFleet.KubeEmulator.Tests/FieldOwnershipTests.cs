using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator.Tests;

[Trait("Category", "Unit")]
public sealed class FieldOwnershipTests
{
    private static readonly ResourceType StatefulSets = BuiltInResources.All.Single(t => t.Plural == "statefulsets");

    [Fact]
    public void Field_set_lists_leaves_and_list_map_items_and_survives_fields_v1()
    {
        var obj = Parse("""
            {"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"s","uid":"u","labels":{"a":"b"}},
             "spec":{"replicas":3,"template":{"spec":{"containers":[{"name":"c","ports":[{"containerPort":80}],"args":["x"]}]}}},
             "status":{"replicas":1}}
            """);

        var set = FieldSet.FromObject(obj, FieldScope.For(StatefulSets, null));
        var roundTrip = FieldSet.FromFieldsV1(set.ToFieldsV1());

        Assert.Equal(
            [".metadata.labels.a", ".spec.replicas", ".spec.template.spec.containers[name=\"c\"]", ".spec.template.spec.containers[name=\"c\"].args",
             ".spec.template.spec.containers[name=\"c\"].name", ".spec.template.spec.containers[name=\"c\"].ports[containerPort=80]",
             ".spec.template.spec.containers[name=\"c\"].ports[containerPort=80].containerPort"],
            set.Paths.Select(FieldSet.Display).Order(StringComparer.Ordinal));
        Assert.Equal(set.Paths.Order(StringComparer.Ordinal), roundTrip.Paths.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Two_managers_applying_different_containers_merge_and_each_removes_only_its_own()
    {
        var (first, _) = ServerSideApply.Apply(StatefulSets, null, Sts("""[{"name":"a","image":"ia"}]"""), "alpha", false, null, "t");
        var (both, conflict) = ServerSideApply.Apply(StatefulSets, first, Sts("""[{"name":"b","image":"ib"}]"""), "beta", false, null, "t");

        var (withoutA, _) = ServerSideApply.Apply(StatefulSets, both, Sts("[]"), "alpha", false, null, "t");

        Assert.Null(conflict);
        Assert.Equal(["a", "b"], Names(both!));
        Assert.Equal(["b"], Names(withoutA!));
    }

    [Fact]
    public void Applying_the_same_value_shares_the_field_instead_of_conflicting()
    {
        var (first, _) = ServerSideApply.Apply(StatefulSets, null, Sts("""[{"name":"a","image":"same"}]"""), "alpha", false, null, "t");

        var (shared, conflict) = ServerSideApply.Apply(StatefulSets, first, Sts("""[{"name":"a","image":"same"}]"""), "beta", false, null, "t");
        var (stillThere, _) = ServerSideApply.Apply(StatefulSets, shared, Sts("[]"), "alpha", false, null, "t");

        Assert.Null(conflict);
        Assert.Equal(["a"], Names(stillThere!));
    }

    [Fact]
    public void An_update_takes_over_the_fields_it_changes()
    {
        var (applied, _) = ServerSideApply.Apply(StatefulSets, null, Sts("""[{"name":"a","image":"v1"}]"""), "alpha", false, null, "t");
        var edited = (JsonObject)applied!.DeepClone();
        edited["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] = "v2";

        ManagedFields.RecordUpdate(applied, edited, "editor", null, FieldScope.For(StatefulSets, null), "apps/v1", "t");
        var (_, conflict) = ServerSideApply.Apply(StatefulSets, edited, Sts("""[{"name":"a","image":"v1"}]"""), "alpha", false, null, "t");

        var owners = ManagedFields.Read(edited).ToDictionary(e => e.Manager, e => e.Fields.Paths.Select(FieldSet.Display).ToList());
        Assert.Contains(".spec.template.spec.containers[name=\"a\"].image", owners["editor"]);
        Assert.DoesNotContain(".spec.template.spec.containers[name=\"a\"].image", owners["alpha"]);
        Assert.Equal(".spec.template.spec.containers[name=\"a\"].image", Assert.Single(conflict!.Details!.Causes!).Field);
    }

    [Fact]
    public void Status_is_outside_the_main_resource_and_the_only_thing_in_the_status_subresource()
    {
        var obj = Parse("""{"metadata":{"name":"s"},"spec":{"replicas":1},"status":{"readyReplicas":1}}""");

        var main = FieldSet.FromObject(obj, FieldScope.For(StatefulSets, null)).Paths.Select(FieldSet.Display);
        var status = FieldSet.FromObject(obj, FieldScope.For(StatefulSets, "status")).Paths.Select(FieldSet.Display);

        Assert.Equal([".spec.replicas"], main);
        Assert.Equal([".status.readyReplicas"], status);
    }

    private static JsonObject Sts(string containers) =>
        Parse("""{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"s"},"spec":{"template":{"spec":{"containers":""" + containers + "}}}}");

    private static List<string> Names(JsonObject sts) =>
        [.. (sts["spec"]?["template"]?["spec"]?["containers"] as JsonArray ?? []).Select(c => c!["name"]!.GetValue<string>())];

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();
}
