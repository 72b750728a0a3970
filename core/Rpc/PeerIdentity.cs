using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;
using SecretFleet.Core.Identity;

namespace SecretFleet.Core.Rpc;

/// <summary>
/// The caller's identity, parsed once per client certificate: Kestrel keeps one certificate
/// object per connection, so a weak table keyed by it caches the parse for every call on it.
/// </summary>
internal static class PeerIdentity
{
    private static readonly ConditionalWeakTable<X509Certificate2, StrongBox<FleetIdentity?>> Cache = [];

    public static FleetIdentity? Of(HttpContext http)
    {
        var certificate = http.Connection.ClientCertificate;
        return certificate is null
            ? null
            : Cache.GetValue(certificate, static c => new StrongBox<FleetIdentity?>(FleetIdentity.FromCertificate(c))).Value;
    }
}
