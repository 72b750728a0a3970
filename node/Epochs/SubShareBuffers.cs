using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Google.Protobuf;
using SecretFleet.Core.Protos;

namespace SecretFleet.Node.Epochs;

/// <summary>
/// Who owns the bytes of dealt sub-shares. Over gRPC each receiver parses its own copy; a dealer
/// serving itself in-process hands out a <see cref="Detach">detached</see> copy, so a dealer can
/// zero a batch once every receiver moved past it and a receiver can zero what it merged, without
/// either wiping the other's bytes.
/// </summary>
internal static class SubShareBuffers
{
    /// <summary>The response with its own copies of the sub-shares and mask, as if it had crossed the wire.</summary>
    public static DealResponse Detach(DealResponse response)
    {
        var detached = response.Clone();
        detached.Values = ByteString.CopyFrom(response.Values.Span);
        detached.Mask = ByteString.CopyFrom(response.Mask.Span);
        return detached;
    }

    /// <summary>Zeroes the sub-shares and mask of a response this receiver owns and no longer needs.</summary>
    public static void Erase(DealResponse response)
    {
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsMemory(response.Values.Memory).Span);
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsMemory(response.Mask.Memory).Span);
    }
}
