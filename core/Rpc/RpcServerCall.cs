using Google.Protobuf;
using Microsoft.AspNetCore.Http;

namespace SecretFleet.Core.Rpc;

/// <summary>
/// The response side of one server call. Writes and the final status are serialized by a gate,
/// so a status written at the deadline cannot interleave with a message the handler is still
/// writing, and nothing is written after the status.
/// </summary>
internal sealed class RpcServerCall(HttpContext http, int maxSendBytes) : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private bool started;
    private bool completed;

    public async ValueTask WriteMessageAsync(IMessage message, bool flush, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (completed)
            {
                throw new RpcException(RpcStatusCode.Cancelled, "The call has already ended; no more messages can be sent.");
            }

            var size = message.CalculateSize();
            if (size > maxSendBytes)
            {
                throw new RpcException(RpcStatusCode.ResourceExhausted, $"The response message of {size} bytes exceeds the server's send limit of {maxSendBytes} bytes.");
            }

            if (!started)
            {
                http.Response.StatusCode = StatusCodes.Status200OK;
                http.Response.ContentType = GrpcProtocol.ContentType;
                started = true;
            }

            var writer = http.Response.BodyWriter;
            GrpcProtocol.WriteFrameHeader(writer.GetSpan(GrpcProtocol.FrameHeaderLength), size);
            writer.Advance(GrpcProtocol.FrameHeaderLength);
            message.WriteTo(writer);
            if (flush)
            {
                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Sends the status: in the response headers (Trailers-Only) when no message went out, else
    /// in the trailers; then ends the HTTP/2 stream. False when the call had already ended.
    /// </summary>
    public async ValueTask<bool> CompleteAsync(RpcStatusCode code, string? detail)
    {
        // No cancellation token: the status must go out even when the call's token fired.
        await gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (completed)
            {
                return false;
            }

            completed = true;
            var response = http.Response;
            var status = ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var message = string.IsNullOrEmpty(detail) ? null : GrpcStatusMessage.Encode(detail);
            if (!started && !response.HasStarted)
            {
                response.StatusCode = StatusCodes.Status200OK;
                response.ContentType = GrpcProtocol.ContentType;
                response.Headers[GrpcProtocol.StatusHeader] = status;
                if (message is not null)
                {
                    response.Headers[GrpcProtocol.MessageHeader] = message;
                }
            }
            else
            {
                response.AppendTrailer(GrpcProtocol.StatusHeader, status);
                if (message is not null)
                {
                    response.AppendTrailer(GrpcProtocol.MessageHeader, message);
                }
            }

            await response.CompleteAsync().ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or InvalidOperationException)
        {
            // The client is gone or the stream was reset: nobody is left to read the status.
            return false;
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose() => gate.Dispose();
}
