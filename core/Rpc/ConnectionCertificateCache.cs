using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Certificate;
using Microsoft.AspNetCore.Http;

namespace SecretFleet.Core.Rpc;

/// <summary>
/// Remembers the certificate handler's verdict for the certificate object of one TLS connection,
/// so the chain is built once per connection instead of once per call. The library's own cache
/// (<c>AddCertificateCache</c>) keys on a SHA-256 of the certificate, computed on every call, and
/// hands out a cloned principal each time; with HTTP/2 carrying thousands of calls per
/// connection that was a measurable share of a node's CPU (docs/benchmarks.md). Kestrel keeps
/// the same certificate object for a connection's lifetime (TLS 1.3 has no renegotiation), so
/// the entry lives exactly as long as the connection. Kestrel judged the certificate at the
/// handshake only, so once it expires every further call on that connection is refused here.
/// </summary>
internal sealed class ConnectionCertificateCache(TimeProvider time) : ICertificateValidationCache
{
    private static readonly AuthenticateResult ExpiredDuringConnection =
        AuthenticateResult.Fail("The client certificate expired while its connection was open; reconnect with a renewed certificate.");

    private readonly ConditionalWeakTable<X509Certificate2, Verdict> _verdicts = [];

    public AuthenticateResult? Get(HttpContext context, X509Certificate2 certificate) =>
        !_verdicts.TryGetValue(certificate, out var verdict) ? null
        : time.GetUtcNow() < verdict.ExpiresAt ? verdict.Result
        : ExpiredDuringConnection;

    public void Put(HttpContext context, X509Certificate2 certificate, AuthenticateResult result) =>
        _verdicts.AddOrUpdate(certificate, new Verdict(result, certificate.NotAfter.ToUniversalTime()));

    /// <summary>The handler's answer and when it stops counting, read from the certificate once per connection.</summary>
    private sealed record Verdict(AuthenticateResult Result, DateTimeOffset ExpiresAt);
}
