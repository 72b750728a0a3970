namespace SecretFleet.Kube.Models;

/// <summary>Anything with apiVersion, kind and metadata: what the API server stores.</summary>
public interface IKubeObject
{
    string? ApiVersion { get; }

    string? Kind { get; }

    ObjectMeta Metadata { get; }
}

/// <summary>A typed kind that knows its own REST resource, so callers need not name it.</summary>
public interface IKubeObject<TSelf> : IKubeObject
    where TSelf : IKubeObject<TSelf>
{
    static abstract KubeResource Resource { get; }
}
