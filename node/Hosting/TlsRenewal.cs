using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SecretFleet.Core.Identity;

namespace SecretFleet.Node.Hosting;

/// <summary>
/// Reads the TLS directory again every interval: cert-manager renews the node's certificate in its
/// mounted Secret long before it expires, and the node serves (and dials peers with) the renewed one
/// from then on, without a restart.
/// </summary>
internal sealed partial class TlsRenewal(RenewableTls tls, TimeSpan interval, TimeProvider time, ILogger<TlsRenewal> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                if (tls.Reload())
                {
                    var certificate = tls.Current.Certificate;
                    LogRenewed(logger, tls.Current.Identity.ToString(), certificate.SerialNumber, certificate.NotAfter.ToUniversalTime());
                }
            }
            catch (Exception e) when (e is TlsMaterialException or IOException or UnauthorizedAccessException)
            {
                LogRefused(logger, e.Message);
            }
        }
    }

    [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "Serving a renewed certificate for {Identity} (serial {Serial}, valid until {NotAfter:u})")]
    private static partial void LogRenewed(ILogger logger, string identity, string serial, DateTime notAfter);

    [LoggerMessage(EventId = 111, Level = LogLevel.Warning, Message = "The TLS directory changed but was not adopted: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);
}
