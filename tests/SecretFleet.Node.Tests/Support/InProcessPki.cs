using System.Collections.Concurrent;
using SecretFleet.Core.Identity;

namespace SecretFleet.Node.Tests.Support;

/// <summary>
/// Certificates for in-process nodes, from one CA per test run: resharing dealers sign their
/// digests with their certificate's key, so even nodes without sockets need one.
/// </summary>
internal static class InProcessPki
{
    private static readonly Lazy<LocalCertificateAuthority> Authority = new(() => LocalCertificateAuthority.Create(InProcessFleet.TrustDomain, TimeSpan.FromDays(2)));
    private static readonly ConcurrentDictionary<FleetIdentity, Lazy<TlsMaterial>> Issued = new();

    public static TlsMaterial For(FleetIdentity identity) =>
        Issued.GetOrAdd(identity, id => new Lazy<TlsMaterial>(() => Authority.Value.Issue(new LeafCertificateRequest(id, TimeSpan.FromDays(1))).ToTlsMaterial())).Value;
}
