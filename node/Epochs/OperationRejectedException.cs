namespace SecretFleet.Node.Epochs;

internal enum OperationRejection
{
    InvalidArgument,
    NotFound,
    FailedPrecondition,
    Unavailable,

    /// <summary>The caller is not the participant the data is meant for.</summary>
    PermissionDenied,
}

/// <summary>A coordinator or peer call this node refuses in its current state; the service maps it to a gRPC status.</summary>
internal sealed class OperationRejectedException(OperationRejection reason, string message) : Exception(message)
{
    public OperationRejection Reason { get; } = reason;
}
