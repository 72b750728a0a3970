using Grpc.Core;
using Microsoft.Extensions.Logging;
using SecretFleet.Core.Identity;
using SecretFleet.Core.Rpc;
using SecretFleet.Node.Storage;

namespace SecretFleet.Node.Security;

/// <summary>
/// Who may call what on this node: every rule in one table (<see cref="Check"/>), applied to
/// every call by <see cref="AuthorizationInterceptor"/> before a service sees the request.
/// <list type="bullet">
/// <item>every caller: a fleet identity in this node's trust domain;</item>
/// <item><c>Shares/*</c>: clients (a secret then belongs to the client identity that stored it);</item>
/// <item>coordinator calls (<c>Refresh/Begin, SnapshotPairs, Verify, Status, Commit, Abort</c>,
/// <c>Admin/Join</c>): this fleet's operator identity alone, <c>spiffe://td/operator/&lt;name&gt;</c>;</item>
/// <item><c>Admin/Info</c>: clients and this fleet's operator;</item>
/// <item>peer calls (<c>Refresh/Deal, FetchRecovered</c>): nodes; which node is the
/// participant's to say (Deal only to the receiver Begin named, FetchRecovered only to the
/// recovery target), and its refusal comes back here through <see cref="Deny"/>;</item>
/// <item>health and reflection: any caller that passed mutual TLS;</item>
/// <item>anything else: nobody.</item>
/// </list>
/// Every refusal is one place: PERMISSION_DENIED (UNAUTHENTICATED without an identity), an
/// audit row and a log line that name the caller.
/// </summary>
internal sealed partial class CallAuthorization(FleetIdentity self, string operatorName, ShareStore store, ILogger<CallAuthorization> log)
{
    private const string Shares = "secretfleet.v1.Shares/";
    private const string Refresh = "secretfleet.v1.Refresh/";
    private const string Admin = "secretfleet.v1.Admin/";

    /// <summary>This node's own identity, from its certificate.</summary>
    public FleetIdentity Self => self;

    /// <summary>The one identity whose coordinator calls this node obeys.</summary>
    public FleetIdentity Operator { get; } = new(self.TrustDomain, FleetRole.Operator, operatorName);

    /// <summary>Null when <paramref name="caller"/> may call <paramref name="method"/> (<c>package.Service/Method</c>); else the refusal.</summary>
    public RpcException? Check(string method, FleetIdentity? caller)
    {
        if (IsOpenToAnyPeer(method))
        {
            return caller is null || caller.TrustDomain == self.TrustDomain ? null : Deny(method, caller, $"Identity {caller} is not in trust domain {self.TrustDomain}.");
        }

        if (caller is null)
        {
            return Unauthenticated(method);
        }

        if (caller.TrustDomain != self.TrustDomain)
        {
            return Deny(method, caller, $"Identity {caller} is not in trust domain {self.TrustDomain}.");
        }

        return method switch
        {
            _ when method.StartsWith(Shares, StringComparison.Ordinal) => RequireRole(method, caller, FleetRole.Client),
            Refresh + "Deal" or Refresh + "FetchRecovered" or Refresh + "DealMask" or Refresh + "DealerDigests" => RequireRole(method, caller, FleetRole.Node),
            Refresh + "Begin" or Refresh + "SnapshotPairs" or Refresh + "Verify" or Refresh + "Status" or Refresh + "Commit" or Refresh + "Abort" or Admin + "Join" =>
                caller == Operator ? null : Deny(method, caller, $"{method} is served only to this fleet's operator {Operator}."),
            Admin + "Info" => caller.Role == FleetRole.Client || caller == Operator
                ? null
                : Deny(method, caller, $"{method} is served to clients and to this fleet's operator {Operator}."),
            _ => Deny(method, caller, $"{method} is served to nobody."),
        };
    }

    /// <summary>Refuses the call: the audit row and the log name the caller; the caller gets PERMISSION_DENIED and <paramref name="reason"/>.</summary>
    public RpcException Deny(string method, FleetIdentity? caller, string reason)
    {
        var name = caller?.ToString() ?? "(no identity)";
        store.AuditLater(name, "denied", method, reason);
        LogDenied(log, name, method, reason);
        return RpcFailure.Of(StatusCode.PermissionDenied, reason);
    }

    private RpcException? RequireRole(string method, FleetIdentity caller, FleetRole role) =>
        caller.Role == role
            ? null
            : Deny(method, caller, $"{method} is for role {FleetIdentity.RoleSegment(role)}; {caller} has role {FleetIdentity.RoleSegment(caller.Role)}.");

    private RpcException Unauthenticated(string method)
    {
        var reason = $"{method} requires a client certificate with a spiffe:// identity of this fleet.";
        store.AuditLater("(no identity)", "denied", method, reason);
        LogDenied(log, "(no identity)", method, reason);
        return RpcFailure.Of(StatusCode.Unauthenticated, reason);
    }

    private static bool IsOpenToAnyPeer(string method) =>
        method.StartsWith("grpc.health.v1.Health/", StringComparison.Ordinal)
        || method.StartsWith("grpc.reflection.v1alpha.ServerReflection/", StringComparison.Ordinal)
        || method.StartsWith("grpc.reflection.v1.ServerReflection/", StringComparison.Ordinal);

    [LoggerMessage(EventId = 500, Level = LogLevel.Warning, Message = "Refused {Method} to {Caller}: {Reason}")]
    private static partial void LogDenied(ILogger logger, string caller, string method, string reason);
}
