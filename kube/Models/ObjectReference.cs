namespace SecretFleet.Kube.Models;

/// <summary>core/v1 ObjectReference, as used by Events (`regarding`, `related`).</summary>
public sealed record ObjectReference
{
    public string? ApiVersion { get; init; }

    public string? Kind { get; init; }

    public string? Name { get; init; }

    public string? Namespace { get; init; }

    public string? Uid { get; init; }

    public string? ResourceVersion { get; init; }

    public string? FieldPath { get; init; }

    public static ObjectReference To(IKubeObject target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new ObjectReference
        {
            ApiVersion = target.ApiVersion,
            Kind = target.Kind,
            Name = target.Metadata.Name,
            Namespace = target.Metadata.Namespace,
            Uid = target.Metadata.Uid,
            ResourceVersion = target.Metadata.ResourceVersion,
        };
    }
}
