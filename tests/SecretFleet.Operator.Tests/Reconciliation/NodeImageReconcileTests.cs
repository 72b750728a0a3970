using System.Text.Json.Nodes;
using SecretFleet.Kube;
using SecretFleet.Operator.Reconciliation;

namespace SecretFleet.Operator.Tests.Reconciliation;

/// <summary>spec.image against the operator's allow-list (the harness allows <see cref="ReconcilerHarness.AllowedImages"/>).</summary>
[Trait("Category", "Unit")]
public sealed class NodeImageReconcileTests : IAsyncLifetime
{
    private const string Disallowed = "evil.example/miner:latest";

    private const string Allowed = "registry.example/secretfleet/node:1.2.3";

    private readonly ReconcilerHarness _h = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task A_disallowed_spec_image_never_reaches_a_pod_and_the_condition_and_one_Warning_event_say_why()
    {
        _h.PatchSpec(new JsonObject { ["image"] = Disallowed });
        await _h.ProvisionAsync();
        _h.ReadyPods(0, 1, 2);
        await _h.ReconcileUntilIdleAsync();
        _h.PatchSpec(new JsonObject { ["replicas"] = 4 });
        await _h.ReconcileAsync();
        _h.Api.IssueCertificates();
        await _h.ReconcileAsync();

        var pods = _h.Api.All(KubeResources.Pods);
        Assert.Equal(4, pods.Count);
        Assert.All(pods, pod => Assert.DoesNotContain(Disallowed, pod.ToJsonString(), StringComparison.Ordinal));
        Assert.All(pods, pod => Assert.Equal(ReconcilerHarness.DefaultImage, (string?)pod["spec"]!["containers"]![0]!["image"]));
        var condition = _h.Condition(Conditions.NodeImageAllowed)!;
        var message = $"spec.image {Disallowed} is not an allowed node image, so the node pods are given {ReconcilerHarness.DefaultImage} instead; "
            + "to allow it, add it to the operator's --allowed-node-images (chart value nodeImage.allowed).";
        Assert.Equal((false, Conditions.Reasons.ImageNotAllowed, message), (condition.IsTrue, condition.Reason, condition.Message));
        var warning = Assert.Single(_h.Events.Recorded, e => e.Reason == "ImageNotAllowed");
        Assert.Equal((EventSeverity.Warning, message), (warning.Severity, warning.Note));

        _h.PatchSpec(new JsonObject { ["image"] = null });
        await _h.ReconcileAsync();

        Assert.Equal((true, Conditions.Reasons.ImageAllowed), (_h.Condition(Conditions.NodeImageAllowed)!.IsTrue, _h.Condition(Conditions.NodeImageAllowed)!.Reason));
    }

    [Fact]
    public async Task An_allowed_image_rolls_and_a_disallowed_one_afterwards_keeps_it_without_replacing_a_pod()
    {
        await FormAsync();
        _h.PatchSpec(new JsonObject { ["image"] = Allowed });
        await _h.ReconcileAsync();
        await _h.ReconcileAsync();

        Assert.Equal(Allowed, Image(0));
        Assert.True(_h.Condition(Conditions.NodeImageAllowed)!.IsTrue);
        Assert.Contains("PodReplaced", _h.Events.Reasons);
        var rolled = Uid(0);

        _h.PatchSpec(new JsonObject { ["image"] = Disallowed });
        await _h.ReconcileAsync();
        await _h.ReconcileAsync();

        // The pods keep the last allowed image, recorded on the Service: demo-0 is not replaced, the roll goes on to that image.
        Assert.Equal((rolled, Allowed), (Uid(0), Image(0)));
        Assert.Equal(Allowed, (string?)_h.Api.Raw(KubeResources.Services, "vault", "demo-nodes")!["metadata"]!["annotations"]![LabelsAndAnnotations.NodeImage]);
        Assert.All(_h.Api.All(KubeResources.Pods), pod => Assert.DoesNotContain(Disallowed, pod.ToJsonString(), StringComparison.Ordinal));
        var condition = _h.Condition(Conditions.NodeImageAllowed)!;
        Assert.Equal(Conditions.Reasons.ImageNotAllowed, condition.Reason);
        Assert.Contains($"so the node pods are given {Allowed} instead", condition.Message, StringComparison.Ordinal);
        Assert.Contains(_h.Events.Recorded, e => e.Reason == "ImageNotAllowed" && e.Note == condition.Message);
    }

    private async Task FormAsync()
    {
        await _h.ProvisionAsync();
        _h.ReadyPods(0, 1, 2);
        await _h.ReconcileUntilIdleAsync();
        Assert.Equal(0, _h.Cluster.Status!.Epoch);
    }

    private string? Image(int ordinal) => (string?)_h.PodSpec(ordinal)["containers"]![0]!["image"];

    private string Uid(int ordinal) => (string)_h.Api.Raw(KubeResources.Pods, "vault", $"demo-{ordinal}")!["metadata"]!["uid"]!;
}
