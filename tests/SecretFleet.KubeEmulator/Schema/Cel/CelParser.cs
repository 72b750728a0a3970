namespace SecretFleet.KubeEmulator;

/// <summary>
/// Recursive-descent parser for the CEL subset the emulator evaluates: literals (int, double, string, bool, null, lists),
/// identifiers, field access, indexing, calls, <c>! -</c>, <c>* / %</c>, <c>+ -</c>, comparisons, <c>in</c>,
/// <c>&amp;&amp;</c>, <c>||</c> and <c>?:</c>.
/// </summary>
internal sealed class CelParser
{
    private readonly List<CelToken> _tokens;
    private int _next;

    private CelParser(List<CelToken> tokens) => _tokens = tokens;

    public static (CelExpression? Expression, string? Error) Parse(string text)
    {
        var (tokens, lexError) = CelLexer.Tokenize(text);
        if (lexError is not null)
        {
            return (null, lexError);
        }

        var parser = new CelParser(tokens);
        var (expression, error) = parser.Conditional();
        if (error is null && parser.Peek.Kind != CelTokenKind.End)
        {
            error = $"Syntax error: extraneous input '{parser.Peek.Text}' ({parser.Peek.Position})";
        }

        return error is null ? (expression, null) : (null, error);
    }

    private CelToken Peek => _tokens[_next];

    private bool Accept(string op)
    {
        if (Peek.Kind is CelTokenKind.Operator or CelTokenKind.Identifier && Peek.Text == op)
        {
            _next++;
            return true;
        }

        return false;
    }

    private (CelExpression?, string?) Conditional()
    {
        var (condition, error) = Binary(0);
        if (error is not null || !Accept("?"))
        {
            return (condition, error);
        }

        var (whenTrue, e1) = Conditional();
        if (e1 is not null || !Accept(":"))
        {
            return (null, e1 ?? $"Syntax error: missing ':' ({Peek.Position})");
        }

        var (whenFalse, e2) = Conditional();
        return e2 is null ? (new CelConditional(condition!, whenTrue!, whenFalse!), null) : (null, e2);
    }

    private static readonly string[][] Precedence =
    [
        ["||"],
        ["&&"],
        ["==", "!=", "<", "<=", ">", ">=", "in"],
        ["+", "-"],
        ["*", "/", "%"],
    ];

    private (CelExpression?, string?) Binary(int level)
    {
        if (level == Precedence.Length)
        {
            return Unary();
        }

        var (left, error) = Binary(level + 1);
        while (error is null && Precedence[level].FirstOrDefault(Accept) is { } op)
        {
            var (right, rightError) = Binary(level + 1);
            error = rightError;
            left = rightError is null ? new CelBinary(op, left!, right!) : null;
        }

        return (left, error);
    }

    private (CelExpression?, string?) Unary()
    {
        foreach (var op in new[] { "!", "-" })
        {
            if (Accept(op))
            {
                var (operand, error) = Unary();
                return error is null ? (new CelUnary(op, operand!), null) : (null, error);
            }
        }

        return Postfix();
    }

    private (CelExpression?, string?) Postfix()
    {
        var (target, error) = Primary();
        while (error is null)
        {
            if (Accept("."))
            {
                if (Peek.Kind != CelTokenKind.Identifier)
                {
                    return (null, $"Syntax error: expected a field name ({Peek.Position})");
                }

                var name = _tokens[_next++].Text;
                if (Accept("("))
                {
                    var (arguments, argumentError) = Arguments(")");
                    (target, error) = (new CelCall(target, name, arguments), argumentError);
                }
                else
                {
                    target = new CelMember(target!, name);
                }
            }
            else if (Accept("["))
            {
                var (key, keyError) = Conditional();
                error = keyError ?? (Accept("]") ? null : $"Syntax error: missing ']' ({Peek.Position})");
                target = new CelIndex(target!, key!);
            }
            else
            {
                break;
            }
        }

        return (error is null ? target : null, error);
    }

    private (CelExpression?, string?) Primary()
    {
        var token = Peek;
        switch (token.Kind)
        {
            case CelTokenKind.Integer or CelTokenKind.Double:
                _next++;
                return (new CelLiteral(CelLexer.ParseNumber(token)), null);
            case CelTokenKind.String:
                _next++;
                return (new CelLiteral(token.Text), null);
            case CelTokenKind.Identifier:
                _next++;
                if (token.Text is "true" or "false")
                {
                    return (new CelLiteral(token.Text == "true"), null);
                }

                if (token.Text == "null")
                {
                    return (new CelLiteral(null), null);
                }

                if (Accept("("))
                {
                    var (arguments, error) = Arguments(")");
                    return (new CelCall(null, token.Text, arguments), error);
                }

                return (new CelIdentifier(token.Text), null);
            case CelTokenKind.Operator when Accept("("):
                var (inner, innerError) = Conditional();
                return innerError is null && !Accept(")") ? (null, $"Syntax error: missing ')' ({Peek.Position})") : (inner, innerError);
            case CelTokenKind.Operator when Accept("["):
                var (items, itemsError) = Arguments("]");
                return (new CelList(items), itemsError);
            default:
                return (null, $"Syntax error: mismatched input '{token.Text}' ({token.Position})");
        }
    }

    private (List<CelExpression>, string?) Arguments(string close)
    {
        var arguments = new List<CelExpression>();
        if (Accept(close))
        {
            return (arguments, null);
        }

        do
        {
            var (argument, error) = Conditional();
            if (error is not null)
            {
                return (arguments, error);
            }

            arguments.Add(argument!);
        }
        while (Accept(","));

        return Accept(close) ? (arguments, null) : (arguments, $"Syntax error: missing '{close}' ({Peek.Position})");
    }
}
