namespace SecretFleet.Core.Rpc;

/// <summary>
/// A call ended with a non-OK gRPC status. Handlers throw it to answer with a status; the
/// client throws it when a call fails (including UNAVAILABLE and DEADLINE_EXCEEDED it
/// synthesizes itself). Catch it filtered: <c>catch (RpcException e) when (e.StatusCode == RpcStatusCode.NotFound)</c>.
/// </summary>
public sealed class RpcException : Exception
{
    /// <summary>Creates an exception carrying a status and its detail (sent to the peer as <c>grpc-message</c>).</summary>
    public RpcException(RpcStatusCode statusCode, string detail)
        : this(statusCode, detail, null)
    {
    }

    /// <summary>Creates an exception carrying a status, its detail and the local cause (never sent).</summary>
    public RpcException(RpcStatusCode statusCode, string detail, Exception? innerException)
        : base($"gRPC status {statusCode.ToWireName()}: {detail}", innerException)
    {
        if (statusCode == RpcStatusCode.Ok)
        {
            throw new ArgumentOutOfRangeException(nameof(statusCode), "An RpcException cannot carry status OK.");
        }

        StatusCode = statusCode;
        Detail = detail;
    }

    /// <summary>The status code.</summary>
    public RpcStatusCode StatusCode { get; }

    /// <summary>The status message, as sent or received.</summary>
    public string Detail { get; }
}
