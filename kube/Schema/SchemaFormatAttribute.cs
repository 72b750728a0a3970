namespace SecretFleet.Kube.Schema;

/// <summary>An OpenAPI `format` for a string property when the CLR type does not imply one.</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class SchemaFormatAttribute(string format) : Attribute
{
    public string Format { get; } = format;
}
