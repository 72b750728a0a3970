namespace SecretFleet.KubeEmulator;

/// <summary>The syntax tree of a CEL expression of the supported subset.</summary>
internal abstract record CelExpression;

internal sealed record CelLiteral(object? Value) : CelExpression;

internal sealed record CelIdentifier(string Name) : CelExpression;

internal sealed record CelMember(CelExpression Target, string Field) : CelExpression;

internal sealed record CelIndex(CelExpression Target, CelExpression Key) : CelExpression;

internal sealed record CelCall(CelExpression? Target, string Function, IReadOnlyList<CelExpression> Arguments) : CelExpression;

internal sealed record CelUnary(string Operator, CelExpression Operand) : CelExpression;

internal sealed record CelBinary(string Operator, CelExpression Left, CelExpression Right) : CelExpression;

internal sealed record CelConditional(CelExpression Condition, CelExpression WhenTrue, CelExpression WhenFalse) : CelExpression;

internal sealed record CelList(IReadOnlyList<CelExpression> Items) : CelExpression;
