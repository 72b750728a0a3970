using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SecretFleet.Core.Identity;

/// <summary>
/// A party's own certificate with its private key, the certificates between it and the cluster
/// CA, and the cluster CA itself: everything mutual TLS needs. Loading checks the material
/// (PEM, key matches certificate, validity window, issued by the CA, carries a fleet identity)
/// so a bad Secret or file fails at start-up with a message naming the file, not at the first
/// handshake with a closed socket.
/// </summary>
public sealed class TlsMaterial : IDisposable
{
    /// <summary>File names of a cert-manager Secret (and of <see cref="IssuedCertificate.WriteTo(string)"/>).</summary>
    public const string CertificateFileName = "tls.crt";

    /// <inheritdoc cref="CertificateFileName"/>
    public const string PrivateKeyFileName = "tls.key";

    /// <inheritdoc cref="CertificateFileName"/>
    public const string CertificateAuthorityFileName = "ca.crt";

    private TlsMaterial(X509Certificate2 certificate, X509Certificate2Collection intermediates, X509Certificate2 authority, FleetIdentity identity)
    {
        Certificate = certificate;
        Intermediates = intermediates;
        CertificateAuthority = authority;
        Identity = identity;
    }

    /// <summary>Our certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Certificates that followed ours in the certificate file (sent along in handshakes).</summary>
    public X509Certificate2Collection Intermediates { get; }

    /// <summary>The cluster CA: the only root we trust for peers.</summary>
    public X509Certificate2 CertificateAuthority { get; }

    /// <summary>Our identity, from our certificate's URI SAN.</summary>
    public FleetIdentity Identity { get; }

    /// <summary>Loads <c>tls.crt</c>, <c>tls.key</c> and <c>ca.crt</c> from a directory (a mounted cert-manager Secret).</summary>
    public static TlsMaterial LoadFromDirectory(string directory, TimeProvider? timeProvider = null) =>
        LoadFromFiles(
            Path.Combine(directory, CertificateFileName),
            Path.Combine(directory, PrivateKeyFileName),
            Path.Combine(directory, CertificateAuthorityFileName),
            timeProvider);

    /// <summary>Loads PEM files; a <see cref="TlsMaterialException"/> names the file at fault.</summary>
    public static TlsMaterial LoadFromFiles(string certificatePath, string privateKeyPath, string certificateAuthorityPath, TimeProvider? timeProvider = null) =>
        Create(
            new PemSource(certificatePath, ReadFile(certificatePath, "certificate")),
            new PemSource(privateKeyPath, ReadFile(privateKeyPath, "private key")),
            new PemSource(certificateAuthorityPath, ReadFile(certificateAuthorityPath, "CA certificate")),
            timeProvider ?? TimeProvider.System);

    /// <summary>Builds material from PEM text held in memory (e.g. read from a Kubernetes Secret).</summary>
    public static TlsMaterial FromPem(string certificatePem, string privateKeyPem, string certificateAuthorityPem, TimeProvider? timeProvider = null) =>
        Create(
            new PemSource("the certificate PEM", certificatePem),
            new PemSource("the private key PEM", privateKeyPem),
            new PemSource("the CA certificate PEM", certificateAuthorityPem),
            timeProvider ?? TimeProvider.System);

    /// <summary>Skips every check: only for tests that need expired or identity-less certificates.</summary>
    internal static TlsMaterial CreateUnchecked(X509Certificate2 certificate, X509Certificate2 authority, FleetIdentity identity) =>
        new(certificate, [], authority, identity);

    /// <inheritdoc />
    public void Dispose()
    {
        Certificate.Dispose();
        CertificateAuthority.Dispose();
        foreach (var intermediate in Intermediates)
        {
            intermediate.Dispose();
        }
    }

    private static TlsMaterial Create(PemSource certificateSource, PemSource keySource, PemSource authoritySource, TimeProvider time)
    {
        var chain = ParseCertificates(certificateSource);
        var authority = ParseCertificates(authoritySource)[0];
        var now = time.GetUtcNow();
        RequireAuthority(authority, authoritySource.Name, now);

        var leaf = chain[0];
        X509Certificate2 withKey;
        try
        {
            withKey = X509Certificate2.CreateFromPem(certificateSource.Text, keySource.Text);
        }
        catch (ArgumentException e)
        {
            // CopyWithPrivateKey's way of saying the public keys differ.
            throw new TlsMaterialException(
                $"The private key in {keySource.Name} does not belong to the certificate in {certificateSource.Name}: deploy the key that was issued with it.", e);
        }
        catch (CryptographicException e)
        {
            throw new TlsMaterialException(
                $"{keySource.Name} holds no usable PEM private key (expected a '-----BEGIN PRIVATE KEY-----' or 'EC PRIVATE KEY' block): {e.Message}", e);
        }

        RequireValidAt(leaf, certificateSource.Name, now);
        var identity = FleetIdentity.FromCertificate(leaf) ?? throw new TlsMaterialException(
            $"The certificate in {certificateSource.Name} carries no fleet identity: it needs exactly one URI SAN spiffe://<trust-domain>/<node|operator|client>/<name>.");

        var intermediates = new X509Certificate2Collection();
        for (var i = 1; i < chain.Count; i++)
        {
            intermediates.Add(chain[i]);
        }

        RequireIssuedBy(leaf, intermediates, authority, certificateSource.Name, authoritySource.Name, now);
        leaf.Dispose();
        return new TlsMaterial(withKey, intermediates, authority, identity);
    }

    private static string ReadFile(string path, string what)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new TlsMaterialException($"The {what} file {path} does not exist: mount the TLS Secret or create it with a local CA.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TlsMaterialException($"The {what} file {path} cannot be read: {e.Message}", e);
        }
    }

    private static X509Certificate2Collection ParseCertificates(PemSource source)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(source.Text);
        }
        catch (CryptographicException e)
        {
            throw new TlsMaterialException($"{source.Name} holds a malformed PEM certificate: {e.Message}", e);
        }

        if (certificates.Count == 0)
        {
            throw new TlsMaterialException($"{source.Name} holds no PEM certificate (expected a '-----BEGIN CERTIFICATE-----' block).");
        }

        return certificates;
    }

    private static void RequireAuthority(X509Certificate2 authority, string name, DateTimeOffset now)
    {
        var constraints = authority.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
        if (constraints is not { CertificateAuthority: true })
        {
            throw new TlsMaterialException($"The certificate in {name} is not a CA certificate (no basicConstraints CA:TRUE): use the cluster CA's ca.crt.");
        }

        RequireValidAt(authority, name, now);
    }

    private static void RequireValidAt(X509Certificate2 certificate, string name, DateTimeOffset now)
    {
        if (now > certificate.NotAfter.ToUniversalTime())
        {
            throw new TlsMaterialException($"The certificate in {name} expired on {certificate.NotAfter.ToUniversalTime():u}: renew it.");
        }

        if (now < certificate.NotBefore.ToUniversalTime())
        {
            throw new TlsMaterialException($"The certificate in {name} is not valid before {certificate.NotBefore.ToUniversalTime():u}: check the clock.");
        }
    }

    private static void RequireIssuedBy(
        X509Certificate2 leaf, X509Certificate2Collection intermediates, X509Certificate2 authority, string leafName, string authorityName, DateTimeOffset now)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.ExtraStore.AddRange(intermediates);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        if (!chain.Build(leaf))
        {
            var problems = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Distinct());
            throw new TlsMaterialException($"The certificate in {leafName} does not chain to the CA in {authorityName} ({problems}): use material issued by this cluster's CA.");
        }
    }

    private readonly record struct PemSource(string Name, string Text);
}
