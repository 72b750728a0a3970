using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SecretFleet.Core.Identity;

/// <summary>
/// Signs statements with the key of a fleet certificate, so a statement passed on by a third
/// party still proves who made it. Mutual TLS proves a message's origin only to the party at the
/// other end of the channel; when node A forwards what node B told it, only a signature lets the
/// next node tell "B said two things" from "A changed what B said" (docs/protocol.md, Resharing).
/// ECDSA over SHA-256 (IEEE P1363) or RSA-PSS over SHA-256, whichever key the certificate has:
/// the local CA issues ECDSA keys, cert-manager's default is RSA.
/// </summary>
public sealed class FleetSigner : IDisposable
{
    private readonly Lock _sync = new();
    private readonly ECDsa? _ecdsa;
    private readonly RSA? _rsa;

    /// <summary>Takes the key of <paramref name="material"/>'s certificate; a renewal later does not change this signer.</summary>
    public FleetSigner(TlsMaterial material)
    {
        ArgumentNullException.ThrowIfNull(material);
        Certificate = material.Certificate.RawData;
        _ecdsa = material.Certificate.GetECDsaPrivateKey();
        _rsa = _ecdsa is null
            ? material.Certificate.GetRSAPrivateKey() ?? throw new TlsMaterialException($"The certificate of {material.Identity} has neither an ECDSA nor an RSA private key, so it cannot sign; issue an ECDSA or RSA key.")
            : null;
    }

    /// <summary>The signing certificate (DER), for verifiers to check against the cluster CA.</summary>
    public byte[] Certificate { get; }

    public byte[] Sign(ReadOnlySpan<byte> statement)
    {
        // One key object is shared by every batch's task; the lock keeps OpenSSL's use of it serial.
        lock (_sync)
        {
            return _ecdsa?.SignData(statement, HashAlgorithmName.SHA256)
                ?? _rsa!.SignData(statement, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _ecdsa?.Dispose();
        _rsa?.Dispose();
    }
}
