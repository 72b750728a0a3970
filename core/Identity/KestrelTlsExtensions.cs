using System.Net.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SecretFleet.Core.Identity;

/// <summary>Puts a Kestrel endpoint behind the fleet's mutual-TLS policy.</summary>
public static class KestrelTlsExtensions
{
    /// <summary>
    /// HTTP/2 only, TLS 1.3, client certificate required and validated as in
    /// <see cref="TlsOptions.CreateServerOptions"/>. The peer certificate is then available as
    /// <c>HttpContext.Connection.ClientCertificate</c>. Rejected peers are logged to
    /// <paramref name="logger"/>, by default the category <c>SecretFleet.Core.Identity.Tls</c> of the host.
    /// </summary>
    public static ListenOptions UseFleetTls(this ListenOptions listen, TlsMaterial material, ILogger? logger = null, TimeSpan? handshakeTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(material);
        return listen.UseFleetTls(() => material, logger, handshakeTimeout);
    }

    /// <summary>
    /// As above, with the material read at each handshake: a renewed certificate (<see cref="RenewableTls"/>)
    /// is served from the next connection on, without a restart. Options are built once per material.
    /// </summary>
    public static ListenOptions UseFleetTls(this ListenOptions listen, Func<TlsMaterial> material, ILogger? logger = null, TimeSpan? handshakeTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(listen);
        ArgumentNullException.ThrowIfNull(material);
        logger ??= listen.ApplicationServices.GetService<ILoggerFactory>()?.CreateLogger("SecretFleet.Core.Identity.Tls");
        Built? built = null;
        listen.Protocols = HttpProtocols.Http2;
        return listen.UseHttps(new TlsHandshakeCallbackOptions
        {
            OnConnection = _ =>
            {
                var current = material();
                var cached = Volatile.Read(ref built);
                if (cached is null || !ReferenceEquals(cached.Material, current))
                {
                    cached = new Built(current, TlsOptions.CreateServerOptions(current, logger));
                    Volatile.Write(ref built, cached);
                }

                return ValueTask.FromResult(cached.Options);
            },
            HandshakeTimeout = handshakeTimeout ?? TimeSpan.FromSeconds(10),
        });
    }

    private sealed record Built(TlsMaterial Material, SslServerAuthenticationOptions Options);
}
