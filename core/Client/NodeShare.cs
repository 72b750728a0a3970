using SecretFleet.Core.Protos;
using SecretFleet.Core.Sharing;

namespace SecretFleet.Core.Client;

/// <summary>
/// One node's share as recovery uses it. <see cref="X"/> is the x of the node the client dialled
/// (its pinned identity says which node that is), never the x the node reports: a node that could
/// choose its x could pose as another node and get that node named for its own wrong share.
/// <see cref="Value"/> is the response's own buffer, not a copy; <see cref="ShareRead"/> zeroes it.
/// </summary>
internal sealed record NodeShare(byte X, ulong Version, ulong Epoch, byte[] Commitment, byte[] Value, IReadOnlyList<ulong> OlderVersions)
{
    private static readonly int MinValueBytes = SecretLayout.PayloadBytes(1);

    // The share of the largest secret any client may store; a longer one is not a share.
    private static readonly int MaxValueBytes = SecretLayout.PayloadBytes(SecretLayout.MaxConfigurableSecretBytes);

    /// <summary>The content of a version, which every holder agrees on whatever its epoch.</summary>
    public bool SameContent(NodeShare other) =>
        Value.Length == other.Value.Length && Commitment.AsSpan().SequenceEqual(other.Commitment);

    /// <summary>
    /// The share in <paramref name="answer"/>, or null when the node did not answer or answered
    /// something no honest node sends: another x (0 included), another name or threshold, a version
    /// other than the one asked for, a commitment that is not 32 bytes, a share that is not a whole
    /// number of 16-byte blocks of a possible payload, or older versions that are not older.
    /// </summary>
    public static NodeShare? Accept(NodeAnswer<GetShareResponse> answer, string name, ulong askedVersion, int threshold)
    {
        if (answer.Response is not { } response)
        {
            return null;
        }
        var length = response.Share.Length;
        var wellFormed = response.X == answer.Node.X
            && response.Name == name
            && response.Threshold == (uint)threshold
            && response.Version is > 0 and <= long.MaxValue
            && (askedVersion == 0 || response.Version == askedVersion)
            && response.Commitment.Length == SecretLayout.CommitmentBytes
            && length >= MinValueBytes && length <= MaxValueBytes && length % Gf128.BlockSize == 0
            && response.OlderVersions.All(v => v > 0 && v < response.Version);
        return wellFormed
            // The share is the parser's own buffer, not a copy: it exists once here and one wipe clears it.
            ? new NodeShare(answer.Node.X, response.Version, response.Epoch, response.Commitment.ToByteArray(), WireBytes.Expose(response.Share), [.. response.OlderVersions])
            : null;
    }
}
