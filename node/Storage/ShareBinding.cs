using System.Buffers.Binary;
using System.Text;

namespace SecretFleet.Node.Storage;

/// <summary>
/// What a sealed share value is bound to (its AES-GCM associated data, with the epoch and the
/// node's x): the secret's key and version, its owner, commitment and threshold. A row moved to
/// another secret, version, epoch or node, or a row whose owner, commitment or threshold was
/// changed on disk, fails to open instead of handing a share to someone else.
/// </summary>
internal readonly record struct ShareBinding(byte[] Key, ulong Version, string Owner, byte[] Commitment, int Threshold)
{
    private static readonly byte[] Label = "secretfleet/share/v2\0"u8.ToArray();

    /// <summary>A sum of dealt deltas for a pair this node does not hold: bound to the pair alone.</summary>
    public static ShareBinding ForDelta(byte[] key, ulong version) => new(key, version, "", [], 0);

    /// <summary>Bytes of the associated data <see cref="WriteAssociatedData"/> writes.</summary>
    public int AssociatedDataLength => Label.Length + SecretKeys.KeyBytes + 8 + 8 + 1 + 1 + 1 + Commitment.Length + Encoding.UTF8.GetByteCount(Owner);

    /// <summary>
    /// Writes the associated data: label ‖ key ‖ version ‖ epoch ‖ x ‖ threshold ‖ commitment length ‖
    /// commitment ‖ owner. Every field before the owner has a fixed or prefixed length, so the
    /// encoding is unambiguous.
    /// </summary>
    public void WriteAssociatedData(Span<byte> ad, ulong epoch, byte x)
    {
        Label.CopyTo(ad);
        var at = Label.Length;
        Key.AsSpan(0, SecretKeys.KeyBytes).CopyTo(ad[at..]);
        at += SecretKeys.KeyBytes;
        BinaryPrimitives.WriteUInt64BigEndian(ad[at..], Version);
        BinaryPrimitives.WriteUInt64BigEndian(ad[(at + 8)..], epoch);
        at += 16;
        ad[at++] = x;
        ad[at++] = (byte)Threshold;
        ad[at++] = (byte)Commitment.Length;
        Commitment.CopyTo(ad[at..]);
        at += Commitment.Length;
        Encoding.UTF8.GetBytes(Owner, ad[at..]);
    }
}
