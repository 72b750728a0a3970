using System.Runtime.InteropServices;
using Google.Protobuf;

namespace SecretFleet.Core.Protos;

/// <summary>
/// Share bytes in protobuf messages, used in place and zeroed after use. A parsed message's
/// <c>bytes</c> field owns an array of its own; <see cref="ByteString.ToByteArray"/> would copy it,
/// leaving two copies of a share in memory of which at most one gets wiped.
/// </summary>
public static class WireBytes
{
    /// <summary>
    /// The array behind <paramref name="bytes"/> when it is exactly that array (always, for a
    /// field the parser filled), else a copy; either way the caller wipes what it gets, and
    /// <see cref="Wipe"/> the field too.
    /// </summary>
    public static byte[] Expose(ByteString bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return MemoryMarshal.TryGetArray(bytes.Memory, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : bytes.ToByteArray();
    }

    /// <summary>Zeroes the bytes <paramref name="bytes"/> holds, in place (a ByteString is immutable only by convention).</summary>
    public static void Wipe(ByteString? bytes)
    {
        if (bytes is not null)
        {
            MemoryMarshal.AsMemory(bytes.Memory).Span.Clear();
        }
    }
}
