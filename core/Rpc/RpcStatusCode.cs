namespace SecretFleet.Core.Rpc;

/// <summary>The gRPC status codes, with their wire values.</summary>
public enum RpcStatusCode
{
    /// <summary>Success.</summary>
    Ok = 0,

    /// <summary>The caller cancelled the call.</summary>
    Cancelled = 1,

    /// <summary>An error with no better code: a handler threw, a status could not be parsed.</summary>
    Unknown = 2,

    /// <summary>The request is wrong whatever the state of the server.</summary>
    InvalidArgument = 3,

    /// <summary>The deadline passed before the call completed.</summary>
    DeadlineExceeded = 4,

    /// <summary>Something the request names does not exist.</summary>
    NotFound = 5,

    /// <summary>Something the request would create exists already.</summary>
    AlreadyExists = 6,

    /// <summary>The caller is known but not allowed to do this.</summary>
    PermissionDenied = 7,

    /// <summary>A limit was hit (message size, quota).</summary>
    ResourceExhausted = 8,

    /// <summary>The server is not in the state the call needs.</summary>
    FailedPrecondition = 9,

    /// <summary>The call lost a race (concurrency conflict, aborted transaction).</summary>
    Aborted = 10,

    /// <summary>A value is outside the valid range.</summary>
    OutOfRange = 11,

    /// <summary>The method does not exist or the request shape is not supported.</summary>
    Unimplemented = 12,

    /// <summary>An invariant broke (protocol violation, unparsable message).</summary>
    Internal = 13,

    /// <summary>The server cannot be reached now; retrying may help.</summary>
    Unavailable = 14,

    /// <summary>Unrecoverable data loss or corruption.</summary>
    DataLoss = 15,

    /// <summary>The caller has no valid identity.</summary>
    Unauthenticated = 16,
}
