using Grpc.Core;

namespace SecretFleet.Core.Rpc;

/// <summary>Awaiting a generated client's unary call the way SecretFleet's callers expect.</summary>
public static class UnaryCallExtensions
{
    /// <summary>
    /// The response, or <see cref="RpcException"/> with the call's status; cancellation by
    /// <paramref name="cancellationToken"/> (the token the call was started with) surfaces as
    /// <see cref="OperationCanceledException"/> like any other .NET cancellation, while a passed
    /// deadline stays DEADLINE_EXCEEDED. The call is disposed either way.
    /// </summary>
    public static async Task<TResponse> ResultAsync<TResponse>(this AsyncUnaryCall<TResponse> call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        using (call)
        {
            try
            {
                return await call.ResponseAsync.ConfigureAwait(false);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException("The call was cancelled by the caller.", e, cancellationToken);
            }
        }
    }
}
