namespace SecretFleet.Kube.Models;

/// <summary>metav1.OwnerReference: ties a child to the object that garbage-collects it.</summary>
public sealed record OwnerReference
{
    public string ApiVersion { get; init; } = "";

    public string Kind { get; init; } = "";

    public string Name { get; init; } = "";

    public string Uid { get; init; } = "";

    public bool? Controller { get; init; }

    public bool? BlockOwnerDeletion { get; init; }

    /// <summary>The controller reference the operator puts on every child it applies.</summary>
    public static OwnerReference ControllerOf(IKubeObject owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        if (owner.Metadata.Uid is null || owner.Metadata.Name is null || owner.ApiVersion is null || owner.Kind is null)
        {
            throw new ArgumentException("The owner needs apiVersion, kind, metadata.name and metadata.uid (read it from the API server first).", nameof(owner));
        }

        return new OwnerReference
        {
            ApiVersion = owner.ApiVersion,
            Kind = owner.Kind,
            Name = owner.Metadata.Name,
            Uid = owner.Metadata.Uid,
            Controller = true,
            BlockOwnerDeletion = true,
        };
    }
}
