namespace SecretFleet.Core.Identity;

/// <summary>
/// A leaf certificate, its private key and the issuing CA, as PEM. Not a record on purpose: a
/// generated <c>ToString</c> would print the private key into whatever logs the object.
/// </summary>
public sealed class IssuedCertificate
{
    internal IssuedCertificate(FleetIdentity identity, string certificatePem, string privateKeyPem, string certificateAuthorityPem)
    {
        Identity = identity;
        CertificatePem = certificatePem;
        PrivateKeyPem = privateKeyPem;
        CertificateAuthorityPem = certificateAuthorityPem;
    }

    /// <summary>The identity in the certificate.</summary>
    public FleetIdentity Identity { get; }

    /// <summary>The leaf certificate.</summary>
    public string CertificatePem { get; }

    /// <summary>The leaf's PKCS#8 private key: treat as a secret.</summary>
    public string PrivateKeyPem { get; }

    /// <summary>The issuing CA's certificate.</summary>
    public string CertificateAuthorityPem { get; }

    /// <summary>
    /// Writes <c>tls.crt</c>, <c>tls.key</c> (mode 0600) and <c>ca.crt</c> into a directory,
    /// the layout of a cert-manager Secret, so <see cref="TlsMaterial.LoadFromDirectory"/> reads it.
    /// </summary>
    public void WriteTo(string directory)
    {
        Directory.CreateDirectory(directory);
        PemFiles.WritePublic(Path.Combine(directory, TlsMaterial.CertificateFileName), CertificatePem);
        PemFiles.WritePrivate(Path.Combine(directory, TlsMaterial.PrivateKeyFileName), PrivateKeyPem);
        PemFiles.WritePublic(Path.Combine(directory, TlsMaterial.CertificateAuthorityFileName), CertificateAuthorityPem);
    }

    /// <summary>Loads the material for use in TLS (with the same checks as loading from files).</summary>
    public TlsMaterial ToTlsMaterial(TimeProvider? timeProvider = null) =>
        TlsMaterial.FromPem(CertificatePem, PrivateKeyPem, CertificateAuthorityPem, timeProvider);

    /// <inheritdoc />
    public override string ToString() => $"certificate for {Identity}";
}
