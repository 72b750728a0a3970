using System.Text.Json.Nodes;
using k8s.Models;
using SecretFleet.Kube;

namespace SecretFleet.Operator.Tests.Reconciliation;

[Trait("Category", "Unit")]
public sealed class NetworkPolicyReconcileTests : IAsyncLifetime
{
    private readonly ReconcilerHarness _h = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task The_NetworkPolicy_is_applied_with_the_operators_field_manager_before_any_node_pod_exists()
    {
        await _h.ReconcileAsync();
        _h.Api.IssueCertificates();
        _h.Api.ClearCalls();

        await _h.ReconcileAsync();

        var writes = _h.Api.Writes.Select(c => $"{c.Verb} {c.Resource.Plural} {c.Name}").ToList();
        var policy = writes.IndexOf("patch networkpolicies demo-nodes");
        Assert.True(policy >= 0 && policy < writes.IndexOf("create pods demo-0"), string.Join(", ", writes));
        var applied = Assert.Single(_h.Api.All(KubeResources.NetworkPolicies));
        Assert.Equal(Support.TestClusters.Uid, (string?)applied["metadata"]!["ownerReferences"]![0]!["uid"]);
        var from = applied["spec"]!["ingress"]![0]!["from"]!.AsArray();
        Assert.Contains(from, peer => (string?)peer!["namespaceSelector"]?["matchLabels"]?[LabelsAndAnnotations.NamespaceName] == ReconcilerHarness.Peers.OperatorNamespace);
        Assert.Equal(ReconcilerHarness.Peers.MetricsNamespace,
            (string?)applied["spec"]!["ingress"]![1]!["from"]![0]!["namespaceSelector"]!["matchLabels"]![LabelsAndAnnotations.NamespaceName]);
    }

    [Fact]
    public async Task A_hand_edit_that_opens_the_policy_is_reverted_at_the_next_reconcile()
    {
        await _h.ProvisionAsync();
        var before = _h.Api.Raw(KubeResources.NetworkPolicies, "vault", "demo-nodes")!["spec"]!.ToJsonString();
        using (_h.Api.Quiet())
        {
            await _h.Api.PatchAsync<V1NetworkPolicy>("vault", "demo-nodes",
                KubePatch.Merge(new JsonObject { ["spec"] = new JsonObject { ["ingress"] = new JsonArray(new JsonObject()) } }),
                CancellationToken.None);
        }

        await _h.ReconcileAsync();

        Assert.Equal(before, _h.Api.Raw(KubeResources.NetworkPolicies, "vault", "demo-nodes")!["spec"]!.ToJsonString());
    }
}
