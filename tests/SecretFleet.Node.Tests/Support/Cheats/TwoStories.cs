using SecretFleet.Core.Epochs;
using SecretFleet.Node.Epochs;

namespace SecretFleet.Node.Tests.Support;

/// <summary>
/// A dishonest dealer that tells one receiver another story: in batch 0 the lowest other receiver
/// sees a different digest for the highest receiver, and a combined polynomial that matches what
/// it sees, so its own batch check passes.
/// </summary>
internal sealed class TwoStories(byte dealerX) : IDealerTamper
{
    public IReadOnlyList<SnapshotEntry> Entries(ulong batch, IReadOnlyList<SnapshotEntry> entries) => entries;

    public void SubShares(ulong batch, byte receiverX, Span<byte> values)
    {
    }

    public byte[][] PublishedDigests(ulong batch, byte receiverX, byte[][] digests)
    {
        if (batch != 0 || receiverX != (dealerX == 1 ? 2 : 1))
        {
            return digests;
        }
        var shown = digests.Select(d => (byte[])d.Clone()).ToArray();
        shown[^1][0] ^= 0x01;
        return shown;
    }
}
