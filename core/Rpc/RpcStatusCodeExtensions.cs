namespace SecretFleet.Core.Rpc;

/// <summary>Names of status codes as gRPC tools print them.</summary>
public static class RpcStatusCodeExtensions
{
    /// <summary>The canonical upper-case name (<c>PERMISSION_DENIED</c>), used in logs and metric labels.</summary>
    public static string ToWireName(this RpcStatusCode code) => code switch
    {
        RpcStatusCode.Ok => "OK",
        RpcStatusCode.Cancelled => "CANCELLED",
        RpcStatusCode.Unknown => "UNKNOWN",
        RpcStatusCode.InvalidArgument => "INVALID_ARGUMENT",
        RpcStatusCode.DeadlineExceeded => "DEADLINE_EXCEEDED",
        RpcStatusCode.NotFound => "NOT_FOUND",
        RpcStatusCode.AlreadyExists => "ALREADY_EXISTS",
        RpcStatusCode.PermissionDenied => "PERMISSION_DENIED",
        RpcStatusCode.ResourceExhausted => "RESOURCE_EXHAUSTED",
        RpcStatusCode.FailedPrecondition => "FAILED_PRECONDITION",
        RpcStatusCode.Aborted => "ABORTED",
        RpcStatusCode.OutOfRange => "OUT_OF_RANGE",
        RpcStatusCode.Unimplemented => "UNIMPLEMENTED",
        RpcStatusCode.Internal => "INTERNAL",
        RpcStatusCode.Unavailable => "UNAVAILABLE",
        RpcStatusCode.DataLoss => "DATA_LOSS",
        RpcStatusCode.Unauthenticated => "UNAUTHENTICATED",
        _ => "UNKNOWN",
    };
}
