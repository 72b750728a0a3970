using System.Security.Cryptography;

namespace SecretFleet.Core.Identity;

/// <summary>
/// The TLS material of a directory that is renewed in place (cert-manager rewrites a mounted Secret):
/// <see cref="Current"/> is what new handshakes and new channels use. <see cref="Reload"/> reads the
/// directory again and adopts what it finds when it changed, carries the same identity and chains to the
/// same CA; anything else is refused and the current material stays in use.
/// </summary>
public sealed class RenewableTls : IDisposable
{
    private readonly string _directory;
    private readonly TimeProvider? _time;
    private readonly Lock _sync = new();
    // Material handed out before a renewal may still be in a handshake or a channel: kept until disposal.
    private readonly List<TlsMaterial> _retired = [];
    private TlsMaterial _current;
    private string _loaded;

    public RenewableTls(string directory, TlsMaterial initial, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(initial);
        _directory = directory;
        _time = time;
        _current = initial;
        _loaded = Fingerprint(directory);
    }

    public TlsMaterial Current => Volatile.Read(ref _current);

    /// <summary>Raised after <see cref="Current"/> changed, with the new material.</summary>
    public event Action<TlsMaterial>? Renewed;

    /// <summary>Adopts renewed files: true if it did, false if nothing changed.</summary>
    /// <exception cref="TlsMaterialException">The files changed but are not usable, or name another identity or CA; nothing changes.</exception>
    public bool Reload()
    {
        TlsMaterial next;
        lock (_sync)
        {
            var fingerprint = Fingerprint(_directory);
            if (fingerprint == _loaded)
            {
                return false;
            }

            next = TlsMaterial.LoadFromDirectory(_directory, _time);
            var current = Current;
            var refusal = next.Identity != current.Identity
                ? $"The renewed certificate in '{_directory}' is for {next.Identity}, not {current.Identity}"
                : next.CertificateAuthority.Thumbprint != current.CertificateAuthority.Thumbprint
                    ? $"The renewed certificate in '{_directory}' comes with another CA; restart the node to trust a new CA"
                    : null;
            if (refusal is not null)
            {
                next.Dispose();
                throw new TlsMaterialException(refusal + "; the current certificate stays in use.");
            }

            _loaded = fingerprint;
            _retired.Add(current);
            Volatile.Write(ref _current, next);
        }

        Renewed?.Invoke(next);
        return true;
    }

    public void Dispose()
    {
        lock (_sync)
        {
            foreach (var material in _retired)
            {
                material.Dispose();
            }

            _retired.Clear();
            _current.Dispose();
        }
    }

    // The certificate and CA files only: a new key always comes with a new certificate, and the key
    // itself is not worth hashing into memory. A half-written directory fails to load and is retried.
    private static string Fingerprint(string directory)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in new[] { TlsMaterial.CertificateFileName, TlsMaterial.CertificateAuthorityFileName })
        {
            var path = Path.Combine(directory, file);
            hash.AppendData(File.Exists(path) ? File.ReadAllBytes(path) : []);
            hash.AppendData([0]);
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }
}
