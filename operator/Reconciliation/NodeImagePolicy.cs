using k8s.Models;
using SecretFleet.Kube;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Operator.Reconciliation;

/// <summary>The node image the operator gives a fleet's pods, and the spec.image it refused, if any.</summary>
/// <param name="Image">An allowed image: what new and replaced pods run.</param>
/// <param name="Refused">spec.image when it is not allowed (the pods then keep <paramref name="Image"/>).</param>
internal sealed record NodeImageDecision(string Image, string? Refused)
{
    /// <summary>The NodeImageAllowed condition's message: one sentence naming the image and, when refused, the setting to change.</summary>
    public string Message => Refused is null
        ? $"The node pods are given {Image}."
        : $"spec.image {Refused} is not an allowed node image, so the node pods are given {Image} instead; to allow it, add it to the operator's --allowed-node-images (chart value nodeImage.allowed).";
}

/// <summary>
/// Which node images SecretClusters may run: the operator's default (<c>--node-image</c>) always, and the exact
/// references of <c>--allowed-node-images</c>. A user who may edit a SecretCluster must not be able to start an
/// arbitrary image next to the node keys, so a spec.image that is not allowed is refused: the pods keep the image
/// the operator gave them last (recorded on the headless Service) if that one is still allowed, else they run the
/// default. Keeping what runs rather than falling back to the default means a refused edit changes nothing:
/// no pod is replaced because of it (a default that differs from a pinned image could even be older).
/// </summary>
/// <param name="DefaultImage">The operator's --node-image.</param>
/// <param name="Allowed">--allowed-node-images: further images spec.image may name, compared as exact strings.</param>
internal sealed record NodeImagePolicy(string DefaultImage, IReadOnlyCollection<string> Allowed)
{
    public bool IsAllowed(string image) => image == DefaultImage || Allowed.Contains(image, StringComparer.Ordinal);

    /// <param name="cluster">The SecretCluster.</param>
    /// <param name="applied">The image the operator gave the pods last (<see cref="AppliedImageOf"/>), if any.</param>
    public NodeImageDecision Decide(SecretCluster cluster, string? applied)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var requested = cluster.Spec.Image ?? DefaultImage;
        if (IsAllowed(requested))
        {
            return new NodeImageDecision(requested, null);
        }

        return new NodeImageDecision(applied is not null && IsAllowed(applied) ? applied : DefaultImage, requested);
    }

    /// <summary>The image the headless Service records as given to the pods last, if any.</summary>
    public static string? AppliedImageOf(V1Service? service) =>
        service?.GetAnnotation(LabelsAndAnnotations.NodeImage) is { Length: > 0 } image ? image : null;
}
