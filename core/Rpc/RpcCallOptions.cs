namespace SecretFleet.Core.Rpc;

/// <summary>Per-call settings.</summary>
/// <param name="Timeout">
/// How long the call may take. Sent as <c>grpc-timeout</c> so the server stops working when the
/// client stops waiting, and enforced locally (DEADLINE_EXCEEDED). <see cref="System.Threading.Timeout.InfiniteTimeSpan"/>
/// for none: use that only for watches.
/// </param>
public sealed record RpcCallOptions(TimeSpan Timeout)
{
    /// <summary>The timeout, validated.</summary>
    public TimeSpan Timeout { get; } = Timeout > TimeSpan.Zero || Timeout == System.Threading.Timeout.InfiniteTimeSpan
        ? Timeout
        : throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "A call timeout must be positive (or InfiniteTimeSpan).");
}
