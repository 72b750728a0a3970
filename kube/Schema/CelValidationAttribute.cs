namespace SecretFleet.Kube.Schema;

/// <summary>An `x-kubernetes-validations` CEL rule on the object that carries it (`self` is that object).</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = true)]
public sealed class CelValidationAttribute(string rule, string message) : Attribute
{
    public string Rule { get; } = rule;

    /// <summary>What the user sees when the rule fails: say what to change.</summary>
    public string Message { get; } = message;

    /// <summary>Optional JSON path the error is reported at, e.g. ".threshold".</summary>
    public string? FieldPath { get; init; }
}
