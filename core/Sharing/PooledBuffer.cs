using System.Buffers;
using System.Security.Cryptography;

namespace SecretFleet.Core.Sharing;

/// <summary>
/// A pooled scratch buffer for secret material: rented once per operation (not per block) and
/// zeroed before it goes back to the pool.
/// </summary>
internal ref struct PooledBuffer
{
    private byte[]? _array;
    private readonly int _length;

    public PooledBuffer(int length)
    {
        _array = ArrayPool<byte>.Shared.Rent(length);
        _length = length;
    }

    public readonly Span<byte> Span => _array.AsSpan(0, _length);

    public void Dispose()
    {
        if (_array is not null)
        {
            CryptographicOperations.ZeroMemory(_array.AsSpan(0, _length));
            ArrayPool<byte>.Shared.Return(_array);
            _array = null;
        }
    }
}
