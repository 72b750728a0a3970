using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SecretFleet.KubeEmulator;

/// <summary>The fields of a cert-manager Certificate's spec the emulated cert-manager honours.</summary>
internal sealed partial record CertificateSpec(
    string SecretName,
    string? CommonName,
    IReadOnlyList<string> Organizations,
    IReadOnlyList<string> DnsNames,
    IReadOnlyList<string> IpAddresses,
    IReadOnlyList<string> Uris,
    IReadOnlyList<string> EmailAddresses,
    IReadOnlyList<string> Usages,
    bool IsCa,
    TimeSpan Duration,
    string KeyAlgorithm,
    int KeySize,
    string KeyEncoding)
{
    /// <summary>cert-manager's default lifetime, 90 days.</summary>
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromHours(2160);

    public static CertificateSpec From(JsonObject spec)
    {
        var key = spec["privateKey"] as JsonObject ?? [];
        var algorithm = Json.String(key["algorithm"]) ?? "RSA";
        var size = Json.TryInteger(key["size"], out var s) ? (int)s : algorithm == "ECDSA" ? 256 : 2048;
        return new CertificateSpec(
            Json.String(spec["secretName"]) ?? "",
            Json.String(spec["commonName"]),
            Strings(spec["subject"]?["organizations"]),
            Strings(spec["dnsNames"]),
            Strings(spec["ipAddresses"]),
            Strings(spec["uris"]),
            Strings(spec["emailAddresses"]),
            spec["usages"] is JsonArray ? Strings(spec["usages"]) : ["digital signature", "key encipherment"],
            Json.TryBool(spec["isCA"], out var isCa) && isCa,
            ParseDuration(Json.String(spec["duration"])) ?? DefaultDuration,
            algorithm,
            size,
            Json.String(key["encoding"]) ?? "PKCS1");
    }

    /// <summary>Go's duration syntax as cert-manager takes it: <c>2160h</c>, <c>1h30m</c>, <c>90m</c>, <c>3600s</c>.</summary>
    public static TimeSpan? ParseDuration(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var parts = DurationPart().Matches(text);
        if (parts.Sum(p => p.Length) != text.Length || parts.Count == 0)
        {
            return null;
        }

        var total = TimeSpan.Zero;
        foreach (Match part in parts)
        {
            var value = double.Parse(part.Groups["value"].Value, CultureInfo.InvariantCulture);
            total += part.Groups["unit"].Value switch
            {
                "h" => TimeSpan.FromHours(value),
                "m" => TimeSpan.FromMinutes(value),
                "s" => TimeSpan.FromSeconds(value),
                "ms" => TimeSpan.FromMilliseconds(value),
                _ => TimeSpan.Zero,
            };
        }

        return total;
    }

    private static List<string> Strings(JsonNode? node) => [.. (node as JsonArray ?? []).Select(Json.String).OfType<string>()];

    [GeneratedRegex(@"(?<value>[0-9]+(\.[0-9]+)?)(?<unit>ms|h|m|s)")]
    private static partial Regex DurationPart();
}
