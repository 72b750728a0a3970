using SecretFleet.Core.Epochs;
using SecretFleet.Node.Epochs;

namespace SecretFleet.Node.Tests.Support;

/// <summary>A dishonest dealer that deals, in its first batch, a pair no node holds, consistently to every receiver.</summary>
internal sealed class AddedPair : IDealerTamper
{
    public IReadOnlyList<SnapshotEntry> Entries(ulong batch, IReadOnlyList<SnapshotEntry> entries) =>
        batch == 0 ? [.. entries.Append(new SnapshotEntry(Enumerable.Repeat((byte)0xff, PairCodec.KeyBytes).ToArray(), 1, 2)).Order()] : entries;

    public void SubShares(ulong batch, byte receiverX, Span<byte> values)
    {
    }

    public byte[][] PublishedDigests(ulong batch, byte receiverX, byte[][] digests) => digests;
}
