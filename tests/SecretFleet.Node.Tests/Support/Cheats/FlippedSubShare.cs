using SecretFleet.Core.Epochs;
using SecretFleet.Node.Epochs;

namespace SecretFleet.Node.Tests.Support;

/// <summary>A dishonest dealer: flips one bit of the first sub-share it deals to the lowest other receiver in batch 0, with a digest that matches.</summary>
internal sealed class FlippedSubShare(byte dealerX) : IDealerTamper
{
    public IReadOnlyList<SnapshotEntry> Entries(ulong batch, IReadOnlyList<SnapshotEntry> entries) => entries;

    public void SubShares(ulong batch, byte receiverX, Span<byte> values)
    {
        if (batch == 0 && receiverX == (dealerX == 1 ? 2 : 1) && values.Length > 0)
        {
            values[0] ^= 0x01;
        }
    }

    public byte[][] PublishedDigests(ulong batch, byte receiverX, byte[][] digests) => digests;
}
