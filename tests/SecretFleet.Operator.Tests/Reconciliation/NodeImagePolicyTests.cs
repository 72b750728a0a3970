using SecretFleet.Operator.Reconciliation;
using SecretFleet.Operator.Tests.Support;

namespace SecretFleet.Operator.Tests.Reconciliation;

[Trait("Category", "Unit")]
public sealed class NodeImagePolicyTests
{
    private const string Default = "ghcr.io/secretfleet/node:0.1.0";

    private static readonly NodeImagePolicy Policy = new(Default, ["registry.example/node:2", "registry.example/node@sha256:" + Digest]);

    private const string Digest = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static Kube.SecretClusters.SecretCluster WithImage(string? image) => TestClusters.Demo() with { Spec = TestClusters.Demo().Spec with { Image = image } };

    [Fact]
    public void Without_spec_image_the_default_runs_and_the_default_is_allowed_even_with_an_empty_list()
    {
        Assert.Equal(new NodeImageDecision(Default, null), Policy.Decide(WithImage(null), applied: null));
        Assert.Equal(new NodeImageDecision(Default, null), new NodeImagePolicy(Default, []).Decide(WithImage(Default), applied: "registry.example/node:2"));
    }

    [Theory]
    [InlineData("registry.example/node:2")]
    [InlineData("registry.example/node@sha256:" + Digest)]
    public void An_image_on_the_list_is_given_as_named(string image) =>
        Assert.Equal(new NodeImageDecision(image, null), Policy.Decide(WithImage(image), applied: Default));

    // The list holds exact references: a prefix, another tag or the tag-less path is another image.
    [Theory]
    [InlineData("registry.example/node:20")]
    [InlineData("registry.example/node")]
    [InlineData("registry.example/node:latest")]
    [InlineData("evil.example/registry.example/node:2")]
    [InlineData("ghcr.io/secretfleet/node:0.1.0-rc")]
    public void Anything_else_is_refused_and_the_pods_keep_the_image_they_were_given(string image)
    {
        Assert.Equal(new NodeImageDecision("registry.example/node:2", image), Policy.Decide(WithImage(image), applied: "registry.example/node:2"));
        Assert.Equal(new NodeImageDecision(Default, image), Policy.Decide(WithImage(image), applied: null));
    }

    [Fact]
    public void A_recorded_image_that_is_no_longer_allowed_is_not_kept()
    {
        var decision = new NodeImagePolicy(Default, []).Decide(WithImage("registry.example/node:2"), applied: "registry.example/node:2");

        Assert.Equal(new NodeImageDecision(Default, "registry.example/node:2"), decision);
        Assert.Equal(
            "spec.image registry.example/node:2 is not an allowed node image, so the node pods are given ghcr.io/secretfleet/node:0.1.0 instead; to allow it, add it to the operator's --allowed-node-images (chart value nodeImage.allowed).",
            decision.Message);
    }
}
