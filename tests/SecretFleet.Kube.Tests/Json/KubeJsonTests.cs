using System.Text.Json;
using System.Text.Json.Nodes;
using k8s.Models;
using SecretFleet.Kube.CertManager;
using SecretFleet.Kube.Json;
using SecretFleet.Kube.Models;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Kube.Tests.Json;

[Trait("Category", "Unit")]
public sealed class KubeJsonTests
{
    [Fact]
    public void An_empty_spec_reads_with_the_documented_defaults()
    {
        var cluster = KubeJson.Deserialize<SecretCluster>("""{"apiVersion":"secretfleet.io/v1alpha1","kind":"SecretCluster","metadata":{"name":"demo"},"spec":{}}""")!;

        Assert.Equal(3, cluster.Spec.Replicas);
        Assert.Equal(2, cluster.Spec.Threshold);
        Assert.Equal("24h", cluster.Spec.Refresh.Interval);
        Assert.Equal("1Gi", cluster.Spec.Storage.Size.Value);
        Assert.Equal(DeletionPolicy.Retain, cluster.Spec.DeletionPolicy);
        Assert.Null(cluster.Spec.TrustDomain);
        Assert.Null(cluster.Status);
    }

    [Fact]
    public void Status_writes_enums_as_names_times_as_RFC3339_UTC_and_leaves_out_nulls()
    {
        var status = new SecretClusterStatus
        {
            Phase = SecretClusterPhase.Refreshing,
            LastRefreshTime = new DateTimeOffset(2026, 1, 2, 4, 4, 5, 123, TimeSpan.FromHours(1)),
            Refresh = new RefreshStatus { Phase = RefreshPhase.Deciding },
        };

        var json = JsonNode.Parse(KubeJson.Serialize(status))!;

        Assert.Equal("""{"phase":"Refreshing","lastRefreshTime":"2026-01-02T03:04:05Z","refresh":{"phase":"Deciding"}}""", json.ToJsonString());
    }

    [Fact]
    public void An_empty_decision_reads_as_undecided_and_a_wrong_one_is_refused()
    {
        Assert.Null(KubeJson.Deserialize<RefreshStatus>("""{"decision":""}""")!.Decision);
        Assert.Equal(RefreshDecision.Abort, KubeJson.Deserialize<RefreshStatus>("""{"decision":"Abort"}""")!.Decision);

        var e = Assert.Throws<JsonException>(() => KubeJson.Deserialize<RefreshStatus>("""{"decision":"Maybe"}"""));
        Assert.Contains("Commit, Abort", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Event_times_are_written_with_microseconds()
    {
        var ev = new Eventsv1Event { EventTime = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1234567) };

        var json = JsonNode.Parse(KubeJson.Serialize(ev))!;

        Assert.Equal("2026-01-02T03:04:05.123456Z", (string?)json["eventTime"]);
        Assert.Equal(ev.EventTime!.Value.AddTicks(-7), KubeJson.Deserialize<Eventsv1Event>(json.ToJsonString())!.EventTime);
    }

    [Fact]
    public void Secret_data_is_base64_on_the_wire_and_never_printed()
    {
        var secret = KubeJson.Deserialize<V1Secret>("""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"client-tls","namespace":"ns"},"type":"kubernetes.io/tls","data":{"tls.key":"c2VjcmV0LWtleQ=="}}""")!;

        Assert.Equal("secret-key"u8.ToArray(), secret.Data!["tls.key"]);
        Assert.DoesNotContain("c2VjcmV0", secret.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("secret-key", secret.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_Certificate_round_trips_the_fields_we_type_and_finds_its_resource()
    {
        const string json = """{"apiVersion":"cert-manager.io/v1","kind":"Certificate","metadata":{"name":"node","namespace":"ns","ownerReferences":[{"apiVersion":"secretfleet.io/v1alpha1","kind":"SecretCluster","name":"demo","uid":"u1","controller":true}]},"spec":{"isCA":true,"secretName":"node-tls","uris":["spiffe://secretfleet.local/node/demo"]},"status":{"conditions":[{"type":"Ready","status":"True","observedGeneration":2}]}}""";

        var certificate = KubeJson.Deserialize<Certificate>(json)!;

        Assert.Equal("node-tls", certificate.Spec!.SecretName);
        Assert.Equal("u1", certificate.Metadata.OwnerReferences![0].Uid);
        Assert.Equal(2, certificate.Status!.Conditions![0].ObservedGeneration);
        Assert.Same(KubeResources.Certificates, KubeResources.Of<Certificate>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), JsonNode.Parse(KubeJson.Serialize(certificate))));
    }

    [Fact]
    public void The_resource_of_a_library_kind_comes_from_its_entity_attribute()
    {
        Assert.Same(KubeResources.Pods, KubeResources.Of<V1Pod>());
        Assert.Same(KubeResources.Events, KubeResources.Of<Eventsv1Event>());
        Assert.Same(KubeResources.PodDisruptionBudgets, KubeResources.Of<V1PodDisruptionBudget>());
        Assert.Same(KubeResources.SecretClusters, KubeResources.Of<SecretCluster>());
    }

    [Fact]
    public void Quantities_read_from_numbers_and_strings()
    {
        var resources = KubeJson.Deserialize<ResourceRequirements>("""{"limits":{"cpu":2,"memory":"256Mi"}}""")!;

        Assert.Equal("2", resources.Limits!["cpu"].Value);
        Assert.Equal("256Mi", resources.Limits["memory"].Value);
    }

    [Fact]
    public void A_controller_reference_points_at_the_owner_and_blocks_its_deletion()
    {
        var owner = new SecretCluster { Metadata = new V1ObjectMeta { Name = "demo", NamespaceProperty = "ns", Uid = "u-9" } };

        var reference = OwnerReferences.ControllerOf(owner);

        Assert.Equal(("secretfleet.io/v1alpha1", "SecretCluster", "demo", "u-9", true, true), (reference.ApiVersion, reference.Kind, reference.Name, reference.Uid, reference.Controller, reference.BlockOwnerDeletion));
        Assert.Throws<ArgumentException>(() => OwnerReferences.ControllerOf(new SecretCluster()));
    }

    [Fact]
    public void Setting_a_condition_moves_its_transition_time_only_when_the_status_changes()
    {
        var t0 = DateTimeOffset.UnixEpoch;
        var t1 = t0.AddMinutes(1);
        var ready = new Condition { Type = Conditions.Ready, Status = ConditionStatus.False, Reason = Conditions.Reasons.NodesNotReady };

        var first = Condition.Set(null, ready, t0);
        var same = Condition.Set(first, ready with { Message = "2/3 ready" }, t1);
        var flipped = Condition.Set(same, ready with { Status = ConditionStatus.True, Reason = Conditions.Reasons.AllNodesReady }, t1);

        Assert.Equal(t0, Assert.Single(same).LastTransitionTime);
        Assert.Equal("2/3 ready", same[0].Message);
        Assert.Equal(t1, Assert.Single(flipped).LastTransitionTime);
        Assert.True(flipped[0].IsTrue);
    }
}
