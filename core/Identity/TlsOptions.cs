using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace SecretFleet.Core.Identity;

/// <summary>
/// The one TLS policy of the fleet, for servers and clients alike: TLS 1.3 only, a certificate
/// on both sides, chains built against the cluster CA alone (no system store, no revocation
/// fetches: pods have no route to CRLs and the CA is ours), the right extended key usage,
/// validity checked at handshake time, and a peer identity (if any) in our own trust domain.
/// </summary>
public static class TlsOptions
{
    /// <summary>ALPN for HTTP/2: gRPC needs it and peers refuse to fall back to HTTP/1.1.</summary>
    private static readonly List<SslApplicationProtocol> Http2Only = [SslApplicationProtocol.Http2];

    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1", "Server Authentication");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2", "Client Authentication");

    /// <summary>
    /// Server options: our certificate (with its chain), a client certificate required and
    /// validated against the cluster CA. Reuse the instance for every handshake.
    /// </summary>
    public static SslServerAuthenticationOptions CreateServerOptions(TlsMaterial material, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(material);
        return new SslServerAuthenticationOptions
        {
            ServerCertificateContext = SslStreamCertificateContext.Create(material.Certificate, material.Intermediates, offline: true),
            ClientCertificateRequired = true,
            EnabledSslProtocols = SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            CertificateChainPolicy = CreateChainPolicy(material, ClientAuth),
            ApplicationProtocols = Http2Only,
            RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                ValidatePeer(certificate, errors, material, expectedRole: null, logger, "client"),
        };
    }

    /// <summary>
    /// Client options: our certificate offered to the server; the server's certificate must
    /// chain to the cluster CA, be valid for <paramref name="targetHost"/> (the name we verify,
    /// which may differ from the address we dial) and, when <paramref name="expectedServerRole"/>
    /// is set, carry an identity of that role. When <paramref name="expectedServerIdentity"/> is
    /// set, it must carry exactly that identity: in local mode every node's certificate is valid
    /// for <c>localhost</c>, so only the identity tells node-1 from node-2.
    /// </summary>
    public static SslClientAuthenticationOptions CreateClientOptions(
        TlsMaterial material, string targetHost, FleetRole? expectedServerRole = null, ILogger? logger = null, FleetIdentity? expectedServerIdentity = null)
    {
        ArgumentNullException.ThrowIfNull(material);
        ArgumentException.ThrowIfNullOrEmpty(targetHost);
        return new SslClientAuthenticationOptions
        {
            TargetHost = targetHost,
            ClientCertificateContext = SslStreamCertificateContext.Create(material.Certificate, material.Intermediates, offline: true),
            EnabledSslProtocols = SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            CertificateChainPolicy = CreateChainPolicy(material, ServerAuth),
            ApplicationProtocols = Http2Only,
            RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                ValidatePeer(certificate, errors, material, expectedServerRole, logger, "server")
                && ValidateExactIdentity(certificate, expectedServerIdentity, logger),
        };
    }

    private static X509ChainPolicy CreateChainPolicy(TlsMaterial material, Oid usage)
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
            // Re-evaluated at every build: an expired peer is rejected the moment it expires.
            VerificationTimeIgnored = true,
            DisableCertificateDownloads = true,
        };
        policy.CustomTrustStore.Add(material.CertificateAuthority);
        policy.ExtraStore.AddRange(material.Intermediates);
        policy.ApplicationPolicy.Add(usage);
        return policy;
    }

    private static bool ValidatePeer(
        X509Certificate? certificate, SslPolicyErrors errors, TlsMaterial material, FleetRole? expectedRole, ILogger? logger, string side)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            TlsLog.PeerRejected(logger, side, "(none)", "no certificate was presented");
            return false;
        }

        if (errors != SslPolicyErrors.None)
        {
            TlsLog.PeerRejected(logger, side, certificate.Subject, Describe(errors));
            return false;
        }

        // SslStream hands over X509Certificate2 instances; anything else has no identity we can read.
        var identity = certificate is X509Certificate2 x2 ? FleetIdentity.FromCertificate(x2) : null;
        if (identity is not null && identity.TrustDomain != material.Identity.TrustDomain)
        {
            TlsLog.PeerRejected(logger, side, certificate.Subject, $"identity {identity} is not in trust domain {material.Identity.TrustDomain}");
            return false;
        }

        if (expectedRole is { } role && identity?.Role != role)
        {
            TlsLog.PeerRejected(logger, side, certificate.Subject, $"identity {identity?.ToString() ?? "(none)"} does not have role {FleetIdentity.RoleSegment(role)}");
            return false;
        }

        return true;
    }

    private static bool ValidateExactIdentity(X509Certificate? certificate, FleetIdentity? expected, ILogger? logger)
    {
        if (expected is null)
        {
            return true;
        }

        var identity = certificate is X509Certificate2 x2 ? FleetIdentity.FromCertificate(x2) : null;
        if (identity == expected)
        {
            return true;
        }

        TlsLog.PeerRejected(logger, "server", certificate?.Subject ?? "(none)", $"identity {identity?.ToString() ?? "(none)"} is not {expected}");
        return false;
    }

    private static string Describe(SslPolicyErrors errors) => errors switch
    {
        SslPolicyErrors.RemoteCertificateNameMismatch => "certificate is not valid for the name we dialed",
        SslPolicyErrors.RemoteCertificateChainErrors => "certificate does not chain to the cluster CA, is expired or lacks the key usage",
        _ => $"certificate rejected ({errors})",
    };
}
