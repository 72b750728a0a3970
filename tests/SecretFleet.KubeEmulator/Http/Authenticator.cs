using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// Who sent a request: the subject of a client certificate our CA issued (Kestrel refused any other), or the user a
/// bearer token was issued to. Tokens are random (CSPRNG) and never logged.
/// </summary>
internal sealed class Authenticator
{
    // Keyed by the token's SHA-256: a lookup compares digests, so response timing says nothing about the token itself.
    private readonly ConcurrentDictionary<string, KubeUser> _usersByTokenDigest = new(StringComparer.Ordinal);

    /// <summary>A new bearer token for <paramref name="user"/>.</summary>
    public string Issue(KubeUser user)
    {
        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        _usersByTokenDigest[Digest(token)] = user;
        return token;
    }

    public KubeUser? Find(string token) => _usersByTokenDigest.GetValueOrDefault(Digest(token));

    /// <summary>The user, or null for a request the server must answer with 401.</summary>
    public KubeUser? Authenticate(HttpContext context)
    {
        if (context.Connection.ClientCertificate is { } certificate)
        {
            // Kestrel accepted it only if our CA issued it (see the TLS options of ApiServerEmulator).
            return KubeUser.FromCertificate(certificate);
        }

        var authorization = context.Request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? Find(authorization["Bearer ".Length..].Trim()) : null;
    }

    private static string Digest(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
