using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Google.Protobuf;

namespace SecretFleet.Core.Rpc;

/// <summary>Reads the single length-prefixed request message of a unary or server-streaming call.</summary>
internal static class GrpcRequestReader
{
    public static async ValueTask<T> ReadSingleAsync<T>(PipeReader reader, MessageParser<T> parser, int maxBytes, CancellationToken cancellationToken)
        where T : IMessage<T>
    {
        T? message = default;
        var haveMessage = false;
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (haveMessage)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (!buffer.IsEmpty)
                {
                    throw new RpcException(RpcStatusCode.Unimplemented, "The call sent more than one request message; this method takes exactly one.");
                }

                if (result.IsCompleted)
                {
                    return message!;
                }

                continue;
            }

            if (TryReadFrame(ref buffer, maxBytes, out var payload))
            {
                message = Parse(parser, payload);
                haveMessage = true;
                reader.AdvanceTo(buffer.Start);
                continue;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                throw buffer.IsEmpty
                    ? new RpcException(RpcStatusCode.Unimplemented, "The call sent no request message; this method takes exactly one.")
                    : new RpcException(RpcStatusCode.Internal, "The request ended in the middle of a message.");
            }
        }
    }

    private static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, int maxBytes, out ReadOnlySequence<byte> payload)
    {
        payload = default;
        if (buffer.Length < GrpcProtocol.FrameHeaderLength)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[GrpcProtocol.FrameHeaderLength];
        buffer.Slice(0, GrpcProtocol.FrameHeaderLength).CopyTo(header);
        switch (header[0])
        {
            case 0:
                break;
            case 1:
                // Unsupported encodings were refused from the headers already, so this is a
                // compressed message on a call that declared no compression: a protocol violation.
                throw new RpcException(RpcStatusCode.Internal, "The request message is flagged compressed but the call declared no grpc-encoding; this server does not compress.");
            default:
                throw new RpcException(RpcStatusCode.Internal, $"The request message has an invalid compressed flag {header[0]}.");
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (length > (uint)maxBytes)
        {
            throw new RpcException(RpcStatusCode.ResourceExhausted, $"The request message of {length} bytes exceeds the server's limit of {maxBytes} bytes.");
        }

        if (buffer.Length < GrpcProtocol.FrameHeaderLength + length)
        {
            return false;
        }

        payload = buffer.Slice(GrpcProtocol.FrameHeaderLength, length);
        buffer = buffer.Slice(payload.End);
        return true;
    }

    private static T Parse<T>(MessageParser<T> parser, ReadOnlySequence<byte> payload)
        where T : IMessage<T>
    {
        try
        {
            return parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException e)
        {
            // INTERNAL, as the gRPC status-code table says for "error parsing request proto":
            // the bytes are not a message at all, which only a broken peer sends. INVALID_ARGUMENT
            // stays for handlers that reject a well-formed request.
            throw new RpcException(RpcStatusCode.Internal, $"The request is not a valid {typeof(T).Name} message.", e);
        }
    }
}
