using k8s;
using k8s.Models;

namespace SecretFleet.Kube;

/// <summary>Owner references the operator puts on the objects it makes.</summary>
public static class OwnerReferences
{
    /// <summary>The controller reference to <paramref name="owner"/>: garbage collection takes the child with it.</summary>
    public static V1OwnerReference ControllerOf(IKubernetesObject<V1ObjectMeta> owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        if (owner.Metadata?.Uid is null || owner.Metadata.Name is null || owner.ApiVersion is null || owner.Kind is null)
        {
            throw new ArgumentException("The owner needs apiVersion, kind, metadata.name and metadata.uid (read it from the API server first).", nameof(owner));
        }

        return new V1OwnerReference
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
