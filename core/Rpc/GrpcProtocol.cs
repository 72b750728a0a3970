using System.Buffers.Binary;

namespace SecretFleet.Core.Rpc;

/// <summary>Names and shapes from the gRPC-over-HTTP/2 specification (PROTOCOL-HTTP2.md).</summary>
internal static class GrpcProtocol
{
    public const string ContentType = "application/grpc";
    public const string StatusHeader = "grpc-status";
    public const string MessageHeader = "grpc-message";
    public const string TimeoutHeader = "grpc-timeout";
    public const string EncodingHeader = "grpc-encoding";
    public const string AcceptEncodingHeader = "grpc-accept-encoding";
    public const string IdentityEncoding = "identity";

    /// <summary>Compressed flag (1 byte) + message length (4 bytes, big-endian).</summary>
    public const int FrameHeaderLength = 5;

    /// <summary>
    /// <c>application/grpc</c> or <c>application/grpc+proto</c>, parameters allowed. Other
    /// sub-types (<c>+json</c>, custom) name encodings we cannot decode.
    /// </summary>
    public static bool IsSupportedContentType(string? value)
    {
        if (value is null || !value.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var rest = value.AsSpan(ContentType.Length);
        if (rest.StartsWith("+proto", StringComparison.OrdinalIgnoreCase))
        {
            rest = rest["+proto".Length..];
        }

        return rest.IsEmpty || rest[0] == ';';
    }

    /// <summary>Whether the value at least claims to be gRPC (so a non-proto sub-type gets a gRPC status, not a 415).</summary>
    public static bool IsGrpcContentType(string? value) =>
        value is not null && value.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase);

    public static void WriteFrameHeader(Span<byte> destination, int length)
    {
        destination[0] = 0; // never compressed
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], (uint)length);
    }
}
