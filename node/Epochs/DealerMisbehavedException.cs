namespace SecretFleet.Node.Epochs;

/// <summary>A dealer (or recovery helper) sent something an honest one never would; names it by x.</summary>
internal sealed class DealerMisbehavedException(byte x, string problem) : Exception($"x {x}: {problem}")
{
    public byte X { get; } = x;

    public string Problem { get; } = problem;
}
