using SecretFleet.Core.Epochs;
using SecretFleet.Core.Protos;

namespace SecretFleet.Node.Epochs;

/// <summary>
/// The seam through which a test build makes a node deal dishonestly, to prove that receivers
/// catch the cheat and name the dealer. The shipped binary never sets one: no flag, setting or
/// environment variable reaches it; only test code constructs a node with a tamper.
/// </summary>
internal interface IDealerTamper
{
    /// <summary>The entries dealt in <paramref name="batch"/>: a cheat may leave one out, or add one.</summary>
    IReadOnlyList<SnapshotEntry> Entries(ulong batch, IReadOnlyList<SnapshotEntry> entries);

    /// <summary>May alter the sub-shares dealt to <paramref name="receiverX"/> in <paramref name="batch"/>, before their digest is taken.</summary>
    void SubShares(ulong batch, byte receiverX, Span<byte> values);

    /// <summary>The receivers' digests as shown to <paramref name="receiverX"/>: <paramref name="digests"/> itself, or another list (the dealer then publishes a combined polynomial to match).</summary>
    byte[][] PublishedDigests(ulong batch, byte receiverX, byte[][] digests);

    /// <summary>Resharing: may alter the shares a dealer reshares in <paramref name="batch"/> (a consistent dealing of the wrong constant).</summary>
    void ResharedShares(ulong batch, Span<byte> shares)
    {
    }

    /// <summary>Resharing: may alter what the dealer with the lowest x tells joining receivers the pairs of <paramref name="batch"/> are.</summary>
    void DescribedPairs(ulong batch, RecoveredPair[] pairs)
    {
    }

    /// <summary>
    /// Resharing: the signed digests this dealer serves dealer <paramref name="dealerX"/> for <paramref name="batch"/>:
    /// <paramref name="row"/> itself, or another row, signed with <paramref name="sign"/> (a liar signs its own lies) or not.
    /// </summary>
    DealerDigests DigestsForDealer(ulong batch, byte dealerX, DealerDigests row, Func<IReadOnlyList<ReceiverDigest>, DealerDigests> sign) => row;

    /// <summary>Resharing: what receiver <paramref name="receiverX"/> gets of <paramref name="batch"/>: <paramref name="response"/>, or another (its rows are shared with other receivers' responses: replace them, do not change them).</summary>
    DealResponse PublishedToReceiver(ulong batch, byte receiverX, DealResponse response) => response;
}
