using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace SecretFleet.Node.Storage;

/// <summary>
/// Seals share values at rest with AES-256-GCM under the key of their epoch, derived from the
/// node's current <see cref="SealingChain"/> (or, while a refresh is open, from the next chain
/// for the epoch it stages, and right after a commit from the previous one until the commit
/// settled). The associated data is the value's <see cref="ShareBinding"/>, its epoch and this
/// node's x.
/// </summary>
internal sealed class ShareSealer : IDisposable
{
    public const int NonceBytes = 12;
    public const int TagBytes = EpochCipher.TagBytes;
    private const byte FormatVersion = 2;
    private const int HeaderBytes = 1 + NonceBytes;
    private const int StackAssociatedData = 512;

    private readonly ConcurrentDictionary<(SealingChain Chain, ulong Epoch), EpochCipher> _ciphers = new();
    private readonly object _rotation = new();
    private Chains _chains;

    public ShareSealer(NodeKey nodeKey, byte x, SealingChain current, (ulong Epoch, SealingChain Chain)? next = null)
    {
        NodeKey = nodeKey;
        X = x;
        _chains = new Chains(current, next, null);
    }

    public byte X { get; }

    /// <summary>The key that wraps chain keys on disk.</summary>
    public NodeKey NodeKey { get; }

    public static int SealedLength(int valueLength) => HeaderBytes + valueLength + TagBytes;

    public static int OpenedLength(int sealedLength) => Math.Max(0, sealedLength - HeaderBytes - TagBytes);

    public byte[] Seal(in ShareBinding binding, ulong epoch, ReadOnlySpan<byte> value)
    {
        var sealedValue = new byte[SealedLength(value.Length)];
        sealedValue[0] = FormatVersion;
        var nonce = sealedValue.AsSpan(1, NonceBytes);
        NextNonce(nonce);
        var length = binding.AssociatedDataLength;
        Span<byte> ad = length <= StackAssociatedData ? stackalloc byte[length] : new byte[length];
        binding.WriteAssociatedData(ad, epoch, X);
        CipherFor(epoch).Encrypt(nonce, value, sealedValue.AsSpan(HeaderBytes), ad);
        return sealedValue;
    }

    /// <summary>Opens a sealed value into <paramref name="value"/>; false when it was tampered with, belongs elsewhere, or its epoch's key is gone.</summary>
    public bool TryOpen(in ShareBinding binding, ulong epoch, ReadOnlySpan<byte> sealedValue, Span<byte> value)
    {
        if (sealedValue.Length < HeaderBytes + TagBytes || sealedValue[0] != FormatVersion || value.Length != sealedValue.Length - HeaderBytes - TagBytes)
        {
            return false;
        }
        var length = binding.AssociatedDataLength;
        Span<byte> ad = length <= StackAssociatedData ? stackalloc byte[length] : new byte[length];
        binding.WriteAssociatedData(ad, epoch, X);
        try
        {
            return CipherFor(epoch).TryDecrypt(sealedValue.Slice(1, NonceBytes), sealedValue[HeaderBytes..], value, ad);
        }
        catch (ObjectDisposedException)
        {
            // The epoch's key was erased (its chain dropped) while this read was on its way.
            value.Clear();
            return false;
        }
    }

    /// <summary>The current chain key wrapped under the node key, for the database.</summary>
    public string CurrentWrapped() => Volatile.Read(ref _chains).Current.Wrap(NodeKey);

    /// <summary>A refresh begins: a fresh chain key for its target epoch. Returns it wrapped, for the database.</summary>
    public string StartNext(ulong epoch)
    {
        var next = SealingChain.Create();
        lock (_rotation)
        {
            var chains = Volatile.Read(ref _chains);
            Drop(chains.Next?.Chain);
            Volatile.Write(ref _chains, chains with { Next = (epoch, next) });
        }
        return next.Wrap(NodeKey);
    }

    /// <summary>The refresh committed: the next chain becomes current; the old one serves only readers still on the old epoch, until <see cref="ForgetPrevious"/>.</summary>
    public void AdoptNext()
    {
        lock (_rotation)
        {
            var chains = Volatile.Read(ref _chains);
            if (chains.Next is not { } next)
            {
                return;
            }
            Drop(chains.Previous?.Chain);
            Volatile.Write(ref _chains, new Chains(next.Chain, null, (next.Epoch - 1, chains.Current)));
        }
    }

    /// <summary>The refresh aborted: its chain key is gone.</summary>
    public void DiscardNext()
    {
        lock (_rotation)
        {
            var chains = Volatile.Read(ref _chains);
            Drop(chains.Next?.Chain);
            Volatile.Write(ref _chains, chains with { Next = null });
        }
    }

    /// <summary>The commit settled (no reader can see the old epoch): the old chain key leaves memory too.</summary>
    public void ForgetPrevious()
    {
        lock (_rotation)
        {
            var chains = Volatile.Read(ref _chains);
            Drop(chains.Previous?.Chain);
            Volatile.Write(ref _chains, chains with { Previous = null });
        }
    }

    // A CSPRNG call costs about the same for 12 bytes as for 3 KB: draw nonces 256 at a time
    // per thread and wipe each one from the pool as it is handed out.
    [ThreadStatic]
    private static byte[]? _nonces;

    [ThreadStatic]
    private static int _nextNonce;

    private static void NextNonce(Span<byte> nonce)
    {
        var pool = _nonces ??= new byte[NonceBytes * 256];
        if (_nextNonce == 0)
        {
            RandomNumberGenerator.Fill(pool);
        }
        var slice = pool.AsSpan(_nextNonce, NonceBytes);
        slice.CopyTo(nonce);
        slice.Clear();
        _nextNonce = (_nextNonce + NonceBytes) % pool.Length;
    }

    private SealingChain ChainFor(ulong epoch)
    {
        var chains = Volatile.Read(ref _chains);
        return chains.Next is { } next && next.Epoch == epoch ? next.Chain
            : chains.Previous is { } previous && previous.Epoch == epoch ? previous.Chain
            : chains.Current;
    }

    private EpochCipher CipherFor(ulong epoch)
    {
        var chain = ChainFor(epoch);
        if (_ciphers.TryGetValue((chain, epoch), out var cipher))
        {
            return cipher;
        }
        // Under the rotation lock, so that no two threads each import the key and one copy
        // escapes disposal, and no cipher is added for a chain that Drop is erasing.
        lock (_rotation)
        {
            return _ciphers.GetOrAdd((chain, epoch), static (entry) => EpochCipher.Create(entry.Chain.ForEpoch(entry.Epoch)));
        }
    }

    private void Drop(SealingChain? chain)
    {
        if (chain is null)
        {
            return;
        }
        foreach (var entry in _ciphers.Keys.Where(k => ReferenceEquals(k.Chain, chain)).ToArray())
        {
            if (_ciphers.TryRemove(entry, out var cipher))
            {
                cipher.Dispose();
            }
        }
        chain.Dispose();
    }

    public void Dispose()
    {
        var chains = Volatile.Read(ref _chains);
        Drop(chains.Next?.Chain);
        Drop(chains.Previous?.Chain);
        Drop(chains.Current);
    }

    private sealed record Chains(SealingChain Current, (ulong Epoch, SealingChain Chain)? Next, (ulong Epoch, SealingChain Chain)? Previous);
}
