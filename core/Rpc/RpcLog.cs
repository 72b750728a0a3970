using Microsoft.Extensions.Logging;

namespace SecretFleet.Core.Rpc;

internal static partial class RpcLog
{
    [LoggerMessage(EventId = 1200, Level = LogLevel.Error, Message = "Handler of {Method} threw; the caller got UNKNOWN without the exception text.")]
    public static partial void HandlerFailed(ILogger logger, string method, Exception exception);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "Handler of {Method} kept running after its call ended ({Code}); handlers must honour RpcContext.CancellationToken.")]
    public static partial void HandlerOutlivedCall(ILogger logger, string method, string code);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Information, Message = "Refused {Method} to {Peer}: {Code} {Detail}")]
    public static partial void CallRefused(ILogger logger, string method, string peer, string code, string detail);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Debug, Message = "Request of {Method} could not be read: {Reason}")]
    public static partial void RequestUnreadable(ILogger logger, string method, string reason);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Debug, Message = "{Method} ended with {Code}: {Detail}")]
    public static partial void CallFailed(ILogger logger, string method, string code, string detail);
}
