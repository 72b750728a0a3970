using Grpc.Core;
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
        // A refusal for the caller's identity is left to the AuthorizationInterceptor, which audits and logs it.
        catch (OperationRejectedException e) when (e.Reason != OperationRejection.PermissionDenied)
        {
            throw RpcFailure.Of(e.Reason switch
            {
                OperationRejection.InvalidArgument => StatusCode.InvalidArgument,
                OperationRejection.NotFound => StatusCode.NotFound,
                OperationRejection.Unavailable => StatusCode.Unavailable,
                _ => StatusCode.FailedPrecondition,
            }, e.Message);
        }
    }
}
