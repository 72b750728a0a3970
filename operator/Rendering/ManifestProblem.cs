namespace SecretFleet.Operator.Rendering;

/// <summary>Why a manifest cannot be rendered: the field at fault (a path such as <c>spec.threshold</c>) and what is wrong with it.</summary>
/// <param name="Field">The field, as kubectl names it; empty when the problem is the document as a whole.</param>
/// <param name="Message">One sentence: what is wrong, and what is expected.</param>
internal sealed record ManifestProblem(string Field, string Message)
{
    public override string ToString() => Field.Length == 0 ? Message : $"{Field}: {Message}";
}
