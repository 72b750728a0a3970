using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator.Tests.KubeletTests;

[Trait("Category", "Unit")]
public sealed class StatefulSetPodsTests
{
    private static JsonObject Set(string retention = "Retain") => JsonNode.Parse("""
        {"metadata": {"name": "fleet", "namespace": "team", "uid": "set-uid"},
         "spec": {"replicas": 3, "serviceName": "fleet-nodes",
                  "persistentVolumeClaimRetentionPolicy": {"whenDeleted": "RETENTION", "whenScaled": "Retain"},
                  "selector": {"matchLabels": {"secretfleet.io/cluster": "fleet"}},
                  "template": {"metadata": {"labels": {"secretfleet.io/cluster": "fleet"}, "annotations": {"a": "b"}},
                               "spec": {"containers": [{"name": "node", "image": "secretfleet/node"}],
                                        "volumes": [{"name": "data", "emptyDir": {}}, {"name": "tls", "secret": {"secretName": "t"}}]}},
                  "volumeClaimTemplates": [{"metadata": {"name": "data", "labels": {"tier": "disk"}},
                                            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]}}
        """.Replace("RETENTION", retention, StringComparison.Ordinal))!.AsObject();

    [Fact]
    public void Pod_of_an_ordinal_carries_the_template_identity_labels_and_its_claim()
    {
        var pod = StatefulSetPods.Pod(Set(), 2, "fleet-abc");

        Assert.Equal("fleet-2", ObjectMeta.Name(pod));
        var labels = ObjectMeta.Labels(pod);
        Assert.Equal("fleet", labels["secretfleet.io/cluster"]);
        Assert.Equal("fleet-2", labels[StatefulSetPods.PodNameLabel]);
        Assert.Equal("2", labels[StatefulSetPods.PodIndexLabel]);
        Assert.Equal("fleet-abc", labels[StatefulSetPods.RevisionLabel]);
        Assert.Equal("b", ObjectMeta.Annotations(pod)["a"]);
        var owner = Assert.Single(ObjectMeta.OwnerReferences(pod));
        Assert.Equal(("StatefulSet", "set-uid", true), (Json.String(owner["kind"]), Json.String(owner["uid"]), owner["controller"]!.GetValue<bool>()));
        Assert.Equal(("fleet-2", "fleet-nodes"), (Json.String(pod["spec"]!["hostname"]), Json.String(pod["spec"]!["subdomain"])));
        var volumes = pod["spec"]!["volumes"]!.AsArray().Select(v => v!.ToJsonString()).ToList();
        Assert.Equal(2, volumes.Count);
        Assert.Contains("""{"name":"data","persistentVolumeClaim":{"claimName":"data-fleet-2"}}""", volumes);
    }

    [Theory]
    [InlineData("Retain", 0)]
    [InlineData("Delete", 1)]
    public void Claim_is_owned_by_the_set_only_when_it_goes_with_the_set(string whenDeleted, int owners)
    {
        var set = Set(whenDeleted);
        var claim = StatefulSetPods.Claim(set, StatefulSetPods.ClaimTemplates(set).Single(), 4);

        Assert.Equal("data-fleet-4", ObjectMeta.Name(claim));
        Assert.Equal("disk", ObjectMeta.Labels(claim)["tier"]);
        Assert.Equal("fleet", ObjectMeta.Labels(claim)["secretfleet.io/cluster"]);
        Assert.Equal(owners, ObjectMeta.OwnerReferences(claim).Count);
    }

    [Fact]
    public void Revision_follows_the_template_and_ordinals_parse_only_from_pod_names_of_the_set()
    {
        var set = Set();
        var changed = Set();
        changed["spec"]!["template"]!["metadata"]!["annotations"]!["a"] = "c";
        var scaled = Set();
        scaled["spec"]!["replicas"] = 5;

        Assert.NotEqual(StatefulSetPods.Revision(set), StatefulSetPods.Revision(changed));
        Assert.Equal(StatefulSetPods.Revision(set), StatefulSetPods.Revision(scaled));
        Assert.Equal(12, StatefulSetPods.Ordinal("fleet", "fleet-12"));
        Assert.Null(StatefulSetPods.Ordinal("fleet", "fleet-nodes-1"));
        Assert.Null(StatefulSetPods.Ordinal("fleet", "other-1"));
    }
}
