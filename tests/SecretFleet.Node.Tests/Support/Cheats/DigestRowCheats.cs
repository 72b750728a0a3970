using Google.Protobuf;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Protos;
using SecretFleet.Node.Epochs;

namespace SecretFleet.Node.Tests.Support;

/// <summary>A resharing dealer that deals every receiver what it should; a cheat overrides only the hook it lies through.</summary>
internal abstract class HonestDealing : IDealerTamper
{
    public IReadOnlyList<SnapshotEntry> Entries(ulong batch, IReadOnlyList<SnapshotEntry> entries) => entries;

    public void SubShares(ulong batch, byte receiverX, Span<byte> values)
    {
    }

    public byte[][] PublishedDigests(ulong batch, byte receiverX, byte[][] digests) => digests;

    protected static ReceiverDigest[] Flipped(IEnumerable<ReceiverDigest> digests)
    {
        var copy = digests.Select(d => d.Clone()).ToArray();
        var bytes = copy[^1].Digest.ToByteArray();
        bytes[0] ^= 0x01;
        copy[^1].Digest = ByteString.CopyFrom(bytes);
        return copy;
    }
}

/// <summary>Signs, for one other dealer, digests other than those it deals with: two stories, each with its signature.</summary>
internal sealed class TwoSignedRows(byte toldOtherwise) : HonestDealing, IDealerTamper
{
    public DealerDigests DigestsForDealer(ulong batch, byte dealerX, DealerDigests row, Func<IReadOnlyList<ReceiverDigest>, DealerDigests> sign) =>
        dealerX == toldOtherwise ? sign(Flipped(row.Digests)) : row;
}

/// <summary>Passes on another dealer's digests to receivers with one bit changed; it cannot sign them in that dealer's name.</summary>
internal sealed class AlteredForwardedRow(int ofDealerIndex) : HonestDealing, IDealerTamper
{
    public DealResponse PublishedToReceiver(ulong batch, byte receiverX, DealResponse response)
    {
        var altered = response.Clone();
        altered.Rows[ofDealerIndex].Digests.Clear();
        altered.Rows[ofDealerIndex].Digests.Add(Flipped(response.Rows[ofDealerIndex].Digests));
        return altered;
    }
}

/// <summary>Serves other dealers changed digests under the signature of its real ones.</summary>
internal sealed class UnsignedRowForDealers : HonestDealing, IDealerTamper
{
    public DealerDigests DigestsForDealer(ulong batch, byte dealerX, DealerDigests row, Func<IReadOnlyList<ReceiverDigest>, DealerDigests> sign)
    {
        var altered = row.Clone();
        altered.Digests.Clear();
        altered.Digests.Add(Flipped(row.Digests));
        return altered;
    }
}

/// <summary>Tells every receiver another pairs digest than the one it and every other dealer computed.</summary>
internal sealed class OtherPairsDigest : HonestDealing, IDealerTamper
{
    public DealResponse PublishedToReceiver(ulong batch, byte receiverX, DealResponse response)
    {
        var altered = response.Clone();
        altered.PairsDigest = ByteString.CopyFrom(new byte[32]);
        return altered;
    }
}
