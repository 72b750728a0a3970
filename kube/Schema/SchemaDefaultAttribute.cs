namespace SecretFleet.Kube.Schema;

/// <summary>
/// A CRD `default` written as JSON, for objects ("{}" lets nested defaults apply when the parent is
/// omitted). Scalars use <see cref="System.ComponentModel.DefaultValueAttribute"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class SchemaDefaultAttribute(string json) : Attribute
{
    public string Json { get; } = json;
}
