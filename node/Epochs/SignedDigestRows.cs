using SecretFleet.Core.Identity;
using SecretFleet.Core.Protos;

namespace SecretFleet.Node.Epochs;

/// <summary>
/// A resharing dealer's signed digests of one batch (docs/protocol.md, "who is named when they
/// differ"): the shape a row must have, how its dealer signs it, and how a copy is checked. Dealers
/// check the rows they fetch and receivers the copies they compare, by these same rules.
/// </summary>
internal static class SignedDigestRows
{
    public static DealerDigests Sign(FleetSigner signer, OperationRecord operation, ulong batch, byte dealerX, IReadOnlyList<ReceiverDigest> digests) => new()
    {
        X = dealerX,
        Digests = { digests },
        Signature = DealTranscript.Wrap(signer.Sign(DealTranscript.DigestsStatement(operation, batch, dealerX, digests))),
        Certificate = DealTranscript.Wrap(signer.Certificate),
    };

    /// <summary>Dealer <paramref name="dealerX"/>'s row, with a 32-byte digest for every new-committee x, in ascending order.</summary>
    public static bool HasShape(DealerDigests? row, byte dealerX, byte[] newXs) =>
        row is not null && row.X == dealerX && row.Digests.Count == newXs.Length
        && !row.Digests.Where((d, j) => d.X != newXs[j] || d.Digest.Length != 32).Any();

    /// <summary>True when <paramref name="row"/> carries <paramref name="dealer"/>'s signature over its digests for <paramref name="batch"/>.</summary>
    public static bool IsSignedBy(FleetSignatureVerifier verifier, OperationRecord operation, ulong batch, ParticipantInfo dealer, DealerDigests row) =>
        verifier.Verify(row.Certificate.Span, dealer.Identity, DealTranscript.DigestsStatement(operation, batch, dealer.X, row.Digests), row.Signature.Span);
}
