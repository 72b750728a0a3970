using System.Net;

namespace SecretFleet.Core.Identity;

/// <summary>
/// What <see cref="LocalCertificateAuthority.Issue"/> puts into a leaf certificate.
/// Nodes get serverAuth and clientAuth (they serve, and call their peers); operators and
/// clients get clientAuth only.
/// </summary>
/// <param name="Identity">The URI SAN and the subject.</param>
/// <param name="Lifetime">How long the certificate is valid from <see cref="NotBefore"/>.</param>
public sealed record LeafCertificateRequest(FleetIdentity Identity, TimeSpan Lifetime)
{
    /// <summary>DNS SANs, e.g. <c>*.demo-nodes.ns.svc</c>, <c>demo-0.demo-nodes.ns.svc</c>.</summary>
    public IReadOnlyList<string> DnsNames { get; init; } = [];

    /// <summary>IP SANs.</summary>
    public IReadOnlyList<IPAddress> IpAddresses { get; init; } = [];

    /// <summary>Adds <c>localhost</c>, <c>127.0.0.1</c> and <c>::1</c> for loopback use (local mode, tests).</summary>
    public bool IncludeLoopback { get; init; }

    /// <summary>Start of validity; defaults to a few minutes before now to absorb clock skew.</summary>
    public DateTimeOffset? NotBefore { get; init; }
}
