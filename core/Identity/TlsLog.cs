using Microsoft.Extensions.Logging;

namespace SecretFleet.Core.Identity;

internal static partial class TlsLog
{
    public static void PeerRejected(ILogger? logger, string side, string subject, string reason)
    {
        if (logger is not null)
        {
            PeerRejectedCore(logger, side, subject, reason);
        }
    }

    [LoggerMessage(EventId = 1100, Level = LogLevel.Warning, Message = "Rejected TLS {Side} {Subject}: {Reason}.")]
    private static partial void PeerRejectedCore(ILogger logger, string side, string subject, string reason);
}
