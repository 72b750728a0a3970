using System.Globalization;
using System.Text;

namespace SecretFleet.KubeEmulator;

/// <summary>Splits a CEL expression into tokens: identifiers, numbers, quoted strings, operators.</summary>
internal static class CelLexer
{
    private static readonly string[] Operators = ["&&", "||", "==", "!=", "<=", ">=", "<", ">", "!", "+", "-", "*", "/", "%", "(", ")", "[", "]", ".", ",", "?", ":"];

    public static (List<CelToken> Tokens, string? Error) Tokenize(string text)
    {
        var tokens = new List<CelToken>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (char.IsAsciiLetter(c) || c == '_')
            {
                var start = i;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
                {
                    i++;
                }

                tokens.Add(new CelToken(CelTokenKind.Identifier, text[start..i], start));
            }
            else if (char.IsAsciiDigit(c))
            {
                var start = i;
                while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
                {
                    i++;
                }

                var number = text[start..i];
                if (i < text.Length && text[i] is 'u' or 'U')
                {
                    i++;
                }

                tokens.Add(new CelToken(number.Contains('.', StringComparison.Ordinal) ? CelTokenKind.Double : CelTokenKind.Integer, number, start));
            }
            else if (c is '"' or '\'')
            {
                var (value, end) = ReadString(text, i);
                if (value is null)
                {
                    return (tokens, $"unterminated string at {i}");
                }

                tokens.Add(new CelToken(CelTokenKind.String, value, i));
                i = end;
            }
            else if (Operators.FirstOrDefault(op => string.CompareOrdinal(text, i, op, 0, op.Length) == 0) is { } op)
            {
                tokens.Add(new CelToken(CelTokenKind.Operator, op, i));
                i += op.Length;
            }
            else
            {
                return (tokens, $"Syntax error: token recognition error at: '{c}' ({i})");
            }
        }

        tokens.Add(new CelToken(CelTokenKind.End, "", text.Length));
        return (tokens, null);
    }

    private static (string? Value, int End) ReadString(string text, int start)
    {
        var quote = text[start];
        var value = new StringBuilder();
        for (var i = start + 1; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                i++;
                value.Append(text[i] switch { 'n' => '\n', 't' => '\t', var other => other });
            }
            else if (text[i] == quote)
            {
                return (value.ToString(), i + 1);
            }
            else
            {
                value.Append(text[i]);
            }
        }

        return (null, text.Length);
    }

    public static object ParseNumber(CelToken token) => token.Kind == CelTokenKind.Integer
        ? (object)long.Parse(token.Text, CultureInfo.InvariantCulture)
        : double.Parse(token.Text, CultureInfo.InvariantCulture);
}
