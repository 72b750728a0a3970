namespace SecretFleet.Kube.Schema;

/// <summary>Marks the root type of a custom resource and carries the CRD's names.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class CustomResourceAttribute(string group, string version, string kind, string plural) : Attribute
{
    public string Group { get; } = group;

    public string Version { get; } = version;

    public string Kind { get; } = kind;

    public string Plural { get; } = plural;

    public string? Singular { get; init; }

    public bool Namespaced { get; init; } = true;

    public string[] ShortNames { get; init; } = [];

    public string[] Categories { get; init; } = [];
}
