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
        ArgumentNullException.ThrowIfNull(listen);
        logger ??= listen.ApplicationServices.GetService<ILoggerFactory>()?.CreateLogger("SecretFleet.Core.Identity.Tls");
        var options = TlsOptions.CreateServerOptions(material, logger);
        listen.Protocols = HttpProtocols.Http2;
        return listen.UseHttps(new TlsHandshakeCallbackOptions
        {
            OnConnection = _ => ValueTask.FromResult(options),
            HandshakeTimeout = handshakeTimeout ?? TimeSpan.FromSeconds(10),
        });
    }
}
