using Microsoft.Extensions.Logging;
using SecretFleet.Core.Identity;
using SecretFleet.Core.Rpc;
using SecretFleet.Node.Storage;

namespace SecretFleet.Node.Security;

/// <summary>
/// Who may call what on this node beyond the role a route requires (and the trust domain every
/// call is checked against): coordinator calls come from this fleet's operator identity alone,
/// and peer data goes only to the participant it is meant for (the participant checks that
/// against the identities Begin named). Every refusal is one place: PERMISSION_DENIED, an audit
/// row and a log line that name the caller.
/// </summary>
internal sealed partial class CallAuthorization(FleetIdentity self, string operatorName, ShareStore store, ILogger<CallAuthorization> log)
{
    /// <summary>This node's own identity, from its certificate.</summary>
    public FleetIdentity Self => self;

    /// <summary>The one identity whose coordinator calls this node obeys.</summary>
    public FleetIdentity Operator { get; } = new(self.TrustDomain, FleetRole.Operator, operatorName);

    /// <summary>Begin, Verify, Status, Commit, Abort and Join: this fleet's operator only.</summary>
    public void RequireOperator(RpcContext context)
    {
        if (context.Peer != Operator)
        {
            throw Deny(context, $"{context.Method} is served only to this fleet's operator {Operator}.");
        }
    }

    /// <summary>Refuses the call: the audit row and the log name the caller; the caller gets PERMISSION_DENIED and <paramref name="reason"/>.</summary>
    public RpcException Deny(RpcContext context, string reason)
    {
        var caller = context.Peer?.ToString() ?? "(no identity)";
        store.AuditLater(caller, "denied", context.Method, reason);
        LogDenied(log, caller, context.Method, reason);
        return new RpcException(RpcStatusCode.PermissionDenied, reason);
    }

    [LoggerMessage(EventId = 500, Level = LogLevel.Warning, Message = "Refused {Method} to {Caller}: {Reason}")]
    private static partial void LogDenied(ILogger logger, string caller, string method, string reason);
}
