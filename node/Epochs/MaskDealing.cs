using System.Security.Cryptography;
using SecretFleet.Core.Protos;
using SecretFleet.Core.Sharing;

namespace SecretFleet.Node.Epochs;

/// <summary>
/// One dealer's contribution ν to one resharing batch's mask μ = Σ ν: a random polynomial of
/// degree below t with a random constant, dealt to the old committee with a masking polynomial
/// and checked like a one-block resharing dealing (Fiat–Shamir over this dealer's digests: each
/// ν is checked on its own). While one dealer is honest μ(0) is uniform, which is what hides the
/// secrets' combination in the published constants.
/// </summary>
internal sealed class MaskDealing
{
    private readonly byte[][] _values;
    private readonly byte[][] _masks;
    private readonly ReceiverDigest[] _digests;
    private readonly byte[] _combined;

    private MaskDealing(byte[][] values, byte[][] masks, ReceiverDigest[] digests, byte[] combined)
    {
        _values = values;
        _masks = masks;
        _digests = digests;
        _combined = combined;
    }

    public static MaskDealing Deal(OperationRecord operation, byte dealerX, byte[] oldXs, ulong batch)
    {
        Span<byte> constants = stackalloc byte[2 * Gf128.BlockSize];
        RandomNumberGenerator.Fill(constants);
        using var dealing = ResharingDealing.Deal(dealerX, constants[..Gf128.BlockSize], constants[Gf128.BlockSize..], operation.Threshold, oldXs);
        CryptographicOperations.ZeroMemory(constants);
        var values = new byte[oldXs.Length][];
        var masks = new byte[oldXs.Length][];
        var digests = new byte[oldXs.Length][];
        for (var j = 0; j < oldXs.Length; j++)
        {
            values[j] = dealing.ValuesFor(j).ToArray();
            masks[j] = dealing.MaskFor(j).ToArray();
            digests[j] = dealing.DigestFor(j);
        }
        var combined = dealing.CombinedCoefficients(Resharing.Challenge(DealTranscript.MaskContext(operation, dealerX, batch), [], digests));
        return new MaskDealing(values, masks, [.. oldXs.Select((x, j) => new ReceiverDigest { X = x, Digest = DealTranscript.Wrap(digests[j]) })], combined);
    }

    /// <summary>ν at the old-committee node of index <paramref name="index"/> (into the ascending x's).</summary>
    public ReadOnlySpan<byte> ValueAt(int index) => _values[index];

    public DealMaskResponse ResponseFor(int index)
    {
        var response = new DealMaskResponse
        {
            Value = Google.Protobuf.ByteString.CopyFrom(_values[index]),
            Mask = Google.Protobuf.ByteString.CopyFrom(_masks[index]),
            Combined = DealTranscript.Wrap(_combined),
        };
        response.Digests.Add(_digests);
        return response;
    }

    public void Erase()
    {
        foreach (var value in _values.Concat(_masks))
        {
            CryptographicOperations.ZeroMemory(value);
        }
    }
}
