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
    private const string OtherShape = "shape-changed";

    /// <summary>UNAVAILABLE: a resharing runs and refuses this write until it ends.</summary>
    public static RpcException Refused() =>
        Failure(StatusCode.Unavailable, "A resharing is moving this fleet's shares to a new committee; writes resume when it ends. Retry shortly.", WhileResharing);

    /// <summary>
    /// FAILED_PRECONDITION: the client wrote for another shape (threshold, or number of nodes) than
    /// the node's; the fleet was reshared or grew since the client read its shape.
    /// <paramref name="fleetNodes"/> is 0 where the node does not know the fleet's size (no refresh,
    /// recovery or resharing committed there since it could learn it).
    /// </summary>
    public static RpcException ShapeMismatch(int fleetThreshold, int fleetNodes, uint clientThreshold, uint clientNodes) =>
        Failure(StatusCode.FailedPrecondition, fleetNodes > 0
            ? $"This fleet is {fleetNodes} nodes with threshold {fleetThreshold}; the request was made for {clientNodes} nodes with threshold {clientThreshold}."
            : $"This fleet uses threshold {fleetThreshold}; the request was made for threshold {clientThreshold}.", OtherShape);

    /// <summary>
    /// The <see cref="ShapeMismatch"/> a node answers a client that says it writes for
    /// (<paramref name="clientThreshold"/>, <paramref name="clientNodes"/>), or null when the shapes
    /// agree. A 0 from the client, or a size the node does not know, is not compared.
    /// </summary>
    public static RpcException? CheckShape(int fleetThreshold, int fleetNodes, uint clientThreshold, uint clientNodes) =>
        (clientThreshold != 0 && clientThreshold != fleetThreshold) || (clientNodes != 0 && fleetNodes > 0 && clientNodes != fleetNodes)
            ? ShapeMismatch(fleetThreshold, fleetNodes, clientThreshold, clientNodes)
            : null;

    /// <summary>Whether a node answered with <see cref="Refused"/>.</summary>
    public static bool IsRefused(RpcException? error) => Is(error, StatusCode.Unavailable, WhileResharing);

    /// <summary>Whether a node answered with <see cref="ShapeMismatch"/>.</summary>
    public static bool IsShapeMismatch(RpcException? error) => Is(error, StatusCode.FailedPrecondition, OtherShape);

    private static RpcException Failure(StatusCode code, string detail, string reason) =>
        new(new Status(code, detail), new Metadata { { ReasonTrailer, reason } });

    private static bool Is(RpcException? error, StatusCode code, string reason) =>
        error is not null && error.StatusCode == code && error.Trailers.GetValue(ReasonTrailer) == reason;
}
