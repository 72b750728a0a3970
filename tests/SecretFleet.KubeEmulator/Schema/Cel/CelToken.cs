namespace SecretFleet.KubeEmulator;

/// <summary>A token of the CEL subset: kind, text and where it starts (for error messages).</summary>
internal sealed record CelToken(CelTokenKind Kind, string Text, int Position);

internal enum CelTokenKind
{
    Identifier,
    Integer,
    Double,
    String,
    Operator,
    End,
}
