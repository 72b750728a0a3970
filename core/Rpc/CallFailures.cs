using Grpc.Core;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Protos;

namespace SecretFleet.Core.Rpc;

/// <summary>
/// One call of a batch (<c>PutMany</c>, <c>GetMany</c>) that failed, carried as the outcome of
/// that call and turned back into the <see cref="RpcException"/> it would have been alone, with
/// the trailer clients tell refusals apart by (<see cref="ResharingWrites"/>).
/// </summary>
public static class CallFailures
{
    public static CallFailure Of(RpcException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new CallFailure { Code = (int)error.StatusCode, Message = error.Status.Detail, Refused = error.Trailers.GetValue(ResharingWrites.ReasonTrailer) ?? "" };
    }

    public static RpcException ToException(CallFailure? failure)
    {
        if (failure is null || failure.Code == 0)
        {
            return new RpcException(new Status(StatusCode.Internal, "The node answered a call of a batch with neither a result nor a failure."));
        }
        var trailers = new Metadata();
        if (failure.Refused.Length > 0)
        {
            trailers.Add(ResharingWrites.ReasonTrailer, failure.Refused);
        }
        return new RpcException(new Status((StatusCode)failure.Code, failure.Message), trailers);
    }
}
