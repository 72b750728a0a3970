using SecretFleet.Core.Rpc;
using SecretFleet.Node.Epochs;

namespace SecretFleet.Node.Services;

/// <summary>Turns the participant's refusals into gRPC statuses, so peers and coordinators see the right code.</summary>
internal static class OperationStatusMapping
{
    public static async Task<T> Guard<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        // A refusal for the caller's identity is left to CallAuthorization, which audits and logs it.
        catch (OperationRejectedException e) when (e.Reason != OperationRejection.PermissionDenied)
        {
            throw new RpcException(e.Reason switch
            {
                OperationRejection.InvalidArgument => RpcStatusCode.InvalidArgument,
                OperationRejection.NotFound => RpcStatusCode.NotFound,
                OperationRejection.Unavailable => RpcStatusCode.Unavailable,
                _ => RpcStatusCode.FailedPrecondition,
            }, e.Message);
        }
    }
}
