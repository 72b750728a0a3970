using System.Security.Cryptography;
using Grpc.Core;
using SecretFleet.Core.Protos;

namespace SecretFleet.Core.Client;

/// <summary>
/// One round of Gets (the newest version, or one asked-for older version) with each answer
/// judged on its own: accepted as a <see cref="NodeShare"/>, or, when the node answered with
/// something no honest node sends, counted as that node's wrong share. Owns the share bytes of
/// its answers: <see cref="Dispose"/> zeroes them.
/// </summary>
internal sealed class ShareRead : IDisposable
{
    public ShareRead(string name, ulong askedVersion, int threshold, IReadOnlyList<NodeAnswer<GetShareResponse>> answers)
    {
        AskedVersion = askedVersion;
        Answers = answers;
        var shares = new List<NodeShare>(answers.Count);
        var malformed = new List<byte>();
        foreach (var answer in answers)
        {
            if (NodeShare.Accept(answer, name, askedVersion, threshold) is { } share)
            {
                shares.Add(share);
            }
            else if (answer.Ok)
            {
                malformed.Add(answer.Node.X);
            }
        }
        Shares = shares;
        Malformed = malformed;
    }

    /// <summary>0 for the newest version.</summary>
    public ulong AskedVersion { get; }

    public IReadOnlyList<NodeAnswer<GetShareResponse>> Answers { get; }

    /// <summary>The well-formed shares, by the x of the node dialled.</summary>
    public IReadOnlyList<NodeShare> Shares { get; }

    /// <summary>Nodes that answered OK with something no honest node sends.</summary>
    public IReadOnlyList<byte> Malformed { get; }

    /// <summary>Nodes whose share failed its integrity check at the node (DATA_LOSS).</summary>
    public IEnumerable<byte> Corrupt => Answers.Where(a => a.Is(StatusCode.DataLoss)).Select(a => a.Node.X);

    public IEnumerable<byte> Unreachable => Answers.Where(a => a.Unreachable).Select(a => a.Node.X);

    public void Dispose()
    {
        foreach (var share in Shares)
        {
            CryptographicOperations.ZeroMemory(share.Value);
        }
        foreach (var answer in Answers)
        {
            WireBytes.Wipe(answer.Response?.Share);
        }
    }
}
