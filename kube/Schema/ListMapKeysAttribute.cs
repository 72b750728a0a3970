namespace SecretFleet.Kube.Schema;

/// <summary>A list merged by key under server-side apply (`x-kubernetes-list-type: map`), e.g. conditions by type.</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class ListMapKeysAttribute(params string[] keys) : Attribute
{
    public IReadOnlyList<string> Keys { get; } = keys;
}
