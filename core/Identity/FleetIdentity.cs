using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography.X509Certificates;

namespace SecretFleet.Core.Identity;

/// <summary>
/// Who a party is: <c>spiffe://&lt;trust-domain&gt;/&lt;role&gt;/&lt;name&gt;</c>, carried as the only
/// <c>spiffe://</c> URI SAN of its certificate. Construction validates every part, so an
/// instance always round-trips through <see cref="ToString"/> and <see cref="Parse"/>.
/// </summary>
public sealed record FleetIdentity
{
    private const string Scheme = "spiffe://";

    /// <summary>Creates an identity; throws <see cref="ArgumentException"/> naming the part at fault.</summary>
    public FleetIdentity(string trustDomain, FleetRole role, string name)
    {
        if (!IsValidTrustDomain(trustDomain))
        {
            throw new ArgumentException(
                $"Trust domain '{trustDomain}' is not valid: use 1-255 lower-case letters, digits, '.', '-' or '_'.",
                nameof(trustDomain));
        }

        if (!Enum.IsDefined(role))
        {
            throw new ArgumentOutOfRangeException(nameof(role), role, "Role must be node, operator or client.");
        }

        if (!IsValidName(name))
        {
            throw new ArgumentException(
                $"Name '{name}' is not valid: use 1-253 letters, digits, '.', '-' or '_' (not '.' or '..').",
                nameof(name));
        }

        TrustDomain = trustDomain;
        Role = role;
        Name = name;
    }

    /// <summary>The SPIFFE trust domain, shared by every party of one fleet.</summary>
    public string TrustDomain { get; }

    /// <summary>The party's role.</summary>
    public FleetRole Role { get; }

    /// <summary>The party's name inside its role (a pod name, a client name).</summary>
    public string Name { get; }

    /// <summary>The identity as a URI, the form a certificate's SAN carries.</summary>
    public Uri ToUri() => new(ToString());

    /// <summary>The <c>spiffe://</c> form.</summary>
    public override string ToString() => $"{Scheme}{TrustDomain}/{RoleSegment(Role)}/{Name}";

    /// <summary>Parses the <c>spiffe://</c> form; throws <see cref="FormatException"/> naming the input.</summary>
    public static FleetIdentity Parse(string value) =>
        TryParse(value, out var identity)
            ? identity
            : throw new FormatException(
                $"'{value}' is not a fleet identity: expected spiffe://<trust-domain>/<node|operator|client>/<name>.");

    /// <summary>Parses the <c>spiffe://</c> form.</summary>
    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out FleetIdentity? identity)
    {
        identity = null;
        if (value is null || !value.StartsWith(Scheme, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = value[Scheme.Length..].Split('/');
        if (parts.Length != 3 || !TryParseRole(parts[1], out var role)
            || !IsValidTrustDomain(parts[0]) || !IsValidName(parts[2]))
        {
            return false;
        }

        identity = new FleetIdentity(parts[0], role, parts[2]);
        return true;
    }

    /// <summary>
    /// The identity in a certificate's URI SANs, or null when it has none, more than one
    /// <c>spiffe://</c> URI (SPIFFE allows exactly one), or one that is not a fleet identity.
    /// </summary>
    public static FleetIdentity? FromCertificate(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        FleetIdentity? found = null;
        foreach (var uri in SubjectAlternativeNames.EnumerateUris(certificate))
        {
            if (!uri.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (found is not null || !TryParse(uri, out found))
            {
                return null;
            }
        }

        return found;
    }

    /// <summary>The role's path segment: <c>node</c>, <c>operator</c> or <c>client</c>.</summary>
    public static string RoleSegment(FleetRole role) => role switch
    {
        FleetRole.Node => "node",
        FleetRole.Operator => "operator",
        FleetRole.Client => "client",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Role must be node, operator or client."),
    };

    private static bool TryParseRole(string segment, out FleetRole role)
    {
        switch (segment)
        {
            case "node": role = FleetRole.Node; return true;
            case "operator": role = FleetRole.Operator; return true;
            case "client": role = FleetRole.Client; return true;
            default: role = default; return false;
        }
    }

    // SPIFFE: trust domains are lower-case letters, digits, '.', '-' and '_'.
    private static bool IsValidTrustDomain(string? value) =>
        value is { Length: > 0 and <= 255 } && value.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-' or '_');

    // SPIFFE path segments: letters, digits, '.', '-' and '_', never the relative segments.
    private static bool IsValidName(string? value) =>
        value is { Length: > 0 and <= 253 } and not "." and not ".."
        && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');
}
