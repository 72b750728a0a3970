using System.Buffers;
using System.Globalization;
using System.Text;

namespace SecretFleet.Core.Naming;

/// <summary>
/// The one secret-name rule of the fleet, used by the client, the node and the CLI: 1 to 253
/// characters of ASCII letters, digits, '.', '_' and '-', starting with a letter or digit.
/// Checked without a regular expression on purpose: in .NET, <c>$</c> also matches before a
/// final newline, so <c>^…$</c> let "name\n" through.
/// </summary>
public static class SecretName
{
    /// <summary>Longest name, in characters.</summary>
    public const int MaxLength = 253;

    /// <summary>The rule in words, for error messages.</summary>
    public const string Rule = "1-253 letters, digits, '.', '_' or '-', starting with a letter or digit";

    private const int QuotedLength = 64;

    private static readonly SearchValues<char> Allowed = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");

    /// <summary>True when <paramref name="name"/> follows the rule.</summary>
    public static bool IsValid(string? name) =>
        name is { Length: > 0 and <= MaxLength }
        && char.IsAsciiLetterOrDigit(name[0])
        && !name.AsSpan().ContainsAnyExcept(Allowed);

    /// <summary>
    /// <paramref name="name"/> in single quotes, safe to print in an error: control and non-ASCII
    /// characters are escaped (a name must not move a terminal's cursor or forge a second line)
    /// and a long name is cut.
    /// </summary>
    public static string Quote(string? name)
    {
        if (name is null)
        {
            return "(none)";
        }
        var quoted = new StringBuilder("'");
        foreach (var c in name.Length > QuotedLength ? name[..QuotedLength] : name)
        {
            quoted.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\\' => "\\\\",
                '\'' => "\\'",
                _ when c < ' ' || c > '~' => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }
        return quoted.Append(name.Length > QuotedLength ? "'..." : "'").ToString();
    }
}
