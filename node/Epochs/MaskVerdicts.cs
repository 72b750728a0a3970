using System.Buffers.Binary;
using System.Security.Cryptography;
using SecretFleet.Core.Protos;

namespace SecretFleet.Node.Epochs;

/// <summary>
/// What this old-committee node saw of every other dealer's mask dealings: whether each checked,
/// and a transcript over their published parts (digests, combination) in batch order. Every
/// dealer reports it; the coordinator requires the transcripts of a dealer to be equal at every
/// other dealer, so a dealer that shows two stories (ν on two polynomials) is named.
/// Batches are checked concurrently, so the transcript is folded in batch order when asked for.
/// </summary>
internal sealed class MaskVerdicts(IEnumerable<byte> dealerXs) : IDisposable
{
    private readonly object _lock = new();
    private readonly Dictionary<byte, Seen> _seen = dealerXs.ToDictionary(x => x, _ => new Seen());

    public void Record(byte dealerX, ulong batch, DealMaskResponse dealing, string? problem)
    {
        using var hash = new DealTranscript();
        hash.AppendMask(batch, dealing);
        var digest = hash.Finish();
        lock (_lock)
        {
            var seen = _seen[dealerX];
            seen.Batches[batch] = digest;
            seen.Problem ??= problem;
        }
    }

    /// <summary>
    /// A problem with another dealer seen outside its mask dealings (its signed digests): it is
    /// reported with them, so the coordinator names that dealer.
    /// </summary>
    public void Blame(byte dealerX, string problem)
    {
        lock (_lock)
        {
            _seen[dealerX].Problem ??= problem;
        }
    }

    public IReadOnlyList<DealerVerdict> Snapshot()
    {
        lock (_lock)
        {
            return [.. _seen.OrderBy(s => s.Key).Select(s => new DealerVerdict
            {
                X = s.Key,
                Valid = s.Value.Problem is null,
                Problem = s.Value.Problem ?? "",
                Batches = (ulong)s.Value.Batches.Count,
                TranscriptHash = DealTranscript.Wrap(Fold(s.Value.Batches)),
            })];
        }
    }

    private static byte[] Fold(SortedDictionary<ulong, byte[]> batches)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> index = stackalloc byte[8];
        foreach (var (batch, digest) in batches)
        {
            BinaryPrimitives.WriteUInt64BigEndian(index, batch);
            hash.AppendData(index);
            hash.AppendData(digest);
        }
        return hash.GetHashAndReset();
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _seen.Clear();
        }
    }

    private sealed class Seen
    {
        public SortedDictionary<ulong, byte[]> Batches { get; } = [];

        public string? Problem { get; set; }
    }
}
