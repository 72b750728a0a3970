using System.Text;

namespace SecretFleet.Core.Rpc;

/// <summary>
/// <c>grpc-message</c> is UTF-8, percent-encoded: bytes outside printable ASCII and '%' itself
/// become <c>%XX</c>. Decoding never fails: a broken escape is kept as it is (the spec forbids
/// throwing the message away).
/// </summary>
internal static class GrpcStatusMessage
{
    public static string Encode(string message)
    {
        var needsEncoding = false;
        foreach (var c in message)
        {
            if (c is < ' ' or > '~' or '%')
            {
                needsEncoding = true;
                break;
            }
        }

        if (!needsEncoding)
        {
            return message;
        }

        var builder = new StringBuilder(message.Length * 2);
        foreach (var b in Encoding.UTF8.GetBytes(message))
        {
            if (b is < 0x20 or > 0x7E or (byte)'%')
            {
                builder.Append('%').Append(Convert.ToHexString([b]));
            }
            else
            {
                builder.Append((char)b);
            }
        }

        return builder.ToString();
    }

    public static string Decode(string value)
    {
        if (!value.Contains('%', StringComparison.Ordinal))
        {
            return value;
        }

        var bytes = new List<byte>(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '%' && i + 2 < value.Length && IsHex(value[i + 1]) && IsHex(value[i + 2]))
            {
                bytes.Add(Convert.FromHexString(value.AsSpan(i + 1, 2))[0]);
                i += 2;
            }
            else
            {
                // Header values are ASCII; anything else is passed through as UTF-8.
                bytes.AddRange(Encoding.UTF8.GetBytes(value[i].ToString()));
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);
}
