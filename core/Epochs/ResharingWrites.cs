using Grpc.Core;

namespace SecretFleet.Core.Epochs;

/// <summary>
/// How nodes tell a client that a resharing is in its way (docs/protocol.md, "Writes during a
/// resharing"), so a client can tell them from a node that is down or a request that is wrong,
/// wait, and retry with the fleet's new shape. The reason travels in a trailer of its own
/// (<see cref="ReasonTrailer"/>); the status text is for people and may change.
/// </summary>
public static class ResharingWrites
{
    /// <summary>The response trailer that names why a write was refused.</summary>
    public const string ReasonTrailer = "secretfleet-write-refused";

    private const string WhileResharing = "resharing";
    private const string OtherThreshold = "threshold-changed";

    /// <summary>UNAVAILABLE: a resharing runs and refuses this write until it ends.</summary>
    public static RpcException Refused() =>
        Failure(StatusCode.Unavailable, "A resharing is moving this fleet's shares to a new committee; writes resume when it ends. Retry shortly.", WhileResharing);

    /// <summary>FAILED_PRECONDITION: the share was split for another threshold than the node's (the fleet was reshared since the client read its shape).</summary>
    public static RpcException ThresholdMismatch(int fleet, uint split) =>
        Failure(StatusCode.FailedPrecondition, $"This fleet uses threshold {fleet}; the secret was split with {split}.", OtherThreshold);

    /// <summary>Whether a node answered with <see cref="Refused"/>.</summary>
    public static bool IsRefused(RpcException? error) => Is(error, StatusCode.Unavailable, WhileResharing);

    /// <summary>Whether a node answered with <see cref="ThresholdMismatch"/>.</summary>
    public static bool IsThresholdMismatch(RpcException? error) => Is(error, StatusCode.FailedPrecondition, OtherThreshold);

    private static RpcException Failure(StatusCode code, string detail, string reason) =>
        new(new Status(code, detail), new Metadata { { ReasonTrailer, reason } });

    private static bool Is(RpcException? error, StatusCode code, string reason) =>
        error is not null && error.StatusCode == code && error.Trailers.GetValue(ReasonTrailer) == reason;
}
