using SecretFleet.Core.Epochs;
using SecretFleet.Node.Epochs;

namespace SecretFleet.Node.Tests.Support;

/// <summary>A dishonest dealer that leaves one pair out of its dealing (to exempt that secret from the refresh), consistently to every receiver.</summary>
internal sealed class SkippedPair(int index = 0) : IDealerTamper
{
    public IReadOnlyList<SnapshotEntry> Entries(ulong batch, IReadOnlyList<SnapshotEntry> entries) =>
        batch == 0 && entries.Count > index ? [.. entries.Where((_, i) => i != index)] : entries;

    public void SubShares(ulong batch, byte receiverX, Span<byte> values)
    {
    }

    public byte[][] PublishedDigests(ulong batch, byte receiverX, byte[][] digests) => digests;
}
