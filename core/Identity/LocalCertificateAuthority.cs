using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SecretFleet.Core.Identity;

/// <summary>
/// A small ECDSA P-256 certificate authority that issues node, operator and client certificates with
/// fleet identities: the local fleet's (saved as <c>ca.crt</c> and <c>ca.key</c>, mode 0600, in a
/// directory), and on Kubernetes the operator's, which signs every identity of a fleet with the CA
/// cert-manager issued for it (<see cref="FromPem"/>).
/// </summary>
public sealed class LocalCertificateAuthority : IDisposable
{
    /// <summary>File names used by <see cref="Save"/> and <see cref="Load"/>.</summary>
    public const string CertificateFileName = "ca.crt";

    /// <inheritdoc cref="CertificateFileName"/>
    public const string PrivateKeyFileName = "ca.key";

    // Issued certificates start a little in the past so a peer whose clock is slightly behind accepts them.
    private static readonly TimeSpan ClockSkewAllowance = TimeSpan.FromMinutes(5);

    private readonly ECDsa _key;
    private readonly TimeProvider _time;

    private LocalCertificateAuthority(X509Certificate2 certificate, ECDsa key, string trustDomain, TimeProvider time)
    {
        Certificate = certificate;
        _key = key;
        TrustDomain = trustDomain;
        _time = time;
    }

    /// <summary>The CA certificate (public part only).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The trust domain this CA issues identities in.</summary>
    public string TrustDomain { get; }

    /// <summary>The CA certificate as PEM: what peers put in their <c>ca.crt</c>.</summary>
    public string CertificatePem => Certificate.ExportCertificatePem();

    /// <summary>Creates a new CA valid for <paramref name="lifetime"/>.</summary>
    public static LocalCertificateAuthority Create(string trustDomain, TimeSpan lifetime, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        _ = new FleetIdentity(trustDomain, FleetRole.Node, "validation"); // validates the trust domain
        var time = timeProvider ?? TimeProvider.System;
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN=SecretFleet CA, O={trustDomain}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = time.GetUtcNow();
        using var selfSigned = request.CreateSelfSigned(now - ClockSkewAllowance, now + lifetime);
        return new LocalCertificateAuthority(X509CertificateLoader.LoadCertificate(selfSigned.RawData), key, trustDomain, time);
    }

    /// <summary>Loads a CA saved by <see cref="Save"/>; a <see cref="TlsMaterialException"/> names the file at fault.</summary>
    public static LocalCertificateAuthority Load(string directory, TimeProvider? timeProvider = null)
    {
        var certificatePath = Path.Combine(directory, CertificateFileName);
        var keyPath = Path.Combine(directory, PrivateKeyFileName);
        var (certificate, key) = Pair(ReadFile(certificatePath), ReadFile(keyPath), certificatePath, keyPath);
        var trustDomain = certificate.SubjectName.EnumerateRelativeDistinguishedNames()
            .Where(n => n.GetSingleElementType().Value == "2.5.4.10") // O=
            .Select(n => n.GetSingleElementValue())
            .FirstOrDefault() ?? throw new TlsMaterialException($"{certificatePath} has no O= trust domain in its subject: it was not made by this tool.");
        return new LocalCertificateAuthority(certificate, key, trustDomain, timeProvider ?? TimeProvider.System);
    }

    /// <summary>
    /// A CA from PEM text (a cert-manager CA Secret's <c>tls.crt</c> and <c>tls.key</c>) that issues identities in
    /// <paramref name="trustDomain"/>; a <see cref="TlsMaterialException"/> says what is wrong without quoting the key.
    /// </summary>
    public static LocalCertificateAuthority FromPem(string certificatePem, string privateKeyPem, string trustDomain, TimeProvider? timeProvider = null)
    {
        _ = new FleetIdentity(trustDomain, FleetRole.Node, "validation"); // validates the trust domain
        var (certificate, key) = Pair(certificatePem, privateKeyPem, "the CA certificate PEM", "the CA private key PEM");
        if (certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is not { CertificateAuthority: true })
        {
            var subject = certificate.Subject;
            key.Dispose();
            certificate.Dispose();
            throw new TlsMaterialException($"The certificate {subject} is not a CA certificate.");
        }

        return new LocalCertificateAuthority(certificate, key, trustDomain, timeProvider ?? TimeProvider.System);
    }

    /// <summary>The CA certificate and its ECDSA key, checked to belong together; the names say where each came from.</summary>
    private static (X509Certificate2 Certificate, ECDsa Key) Pair(string certificatePem, string keyPem, string certificateName, string keyName)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPem(certificatePem);
        }
        catch (CryptographicException e)
        {
            throw new TlsMaterialException($"{certificateName} holds no valid PEM certificate: {e.Message}", e);
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(keyPem);
            using var publicKey = certificate.GetECDsaPublicKey();
            if (publicKey is null || !publicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()))
            {
                throw new TlsMaterialException($"The key in {keyName} does not belong to the CA certificate in {certificateName}.");
            }

            return (certificate, key);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or TlsMaterialException)
        {
            key.Dispose();
            certificate.Dispose();
            throw e as TlsMaterialException ?? new TlsMaterialException($"{keyName} holds no PEM ECDSA private key: {e.Message}", e);
        }
    }

    /// <summary>Writes <c>ca.crt</c> and <c>ca.key</c> (mode 0600) into a directory.</summary>
    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        PemFiles.WritePublic(Path.Combine(directory, CertificateFileName), CertificatePem);
        PemFiles.WritePrivate(Path.Combine(directory, PrivateKeyFileName), _key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>Issues a leaf certificate with a fresh P-256 key.</summary>
    public IssuedCertificate Issue(LeafCertificateRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(request.Lifetime, TimeSpan.Zero);
        if (request.Identity.TrustDomain != TrustDomain)
        {
            throw new ArgumentException($"Identity {request.Identity} is not in this CA's trust domain {TrustDomain}.", nameof(request));
        }

        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leaf = new CertificateRequest($"CN={request.Identity.Name}, O={TrustDomain}", leafKey, HashAlgorithmName.SHA256);
        leaf.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        leaf.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        leaf.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(Usages(request.Identity.Role), false));
        leaf.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(leaf.PublicKey, false));
        if (Certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Any())
        {
            // Optional, and only possible when the CA names its key; a CA from elsewhere may not.
            leaf.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        }

        leaf.CertificateExtensions.Add(SubjectAlternativeName(request));

        // A leaf cannot be valid outside its issuer's window (CertificateRequest refuses it too).
        var notBefore = Max(request.NotBefore ?? _time.GetUtcNow() - ClockSkewAllowance, Certificate.NotBefore);
        var notAfter = Min(notBefore + request.Lifetime, Certificate.NotAfter);

        var serial = new byte[16];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7F; // positive INTEGER
        using var caWithKey = Certificate.CopyWithPrivateKey(_key);
        using var issued = leaf.Create(caWithKey, notBefore, notAfter, serial);
        return new IssuedCertificate(request.Identity, issued.ExportCertificatePem(), leafKey.ExportPkcs8PrivateKeyPem(), CertificatePem);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _key.Dispose();
        Certificate.Dispose();
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTime b) => a > b.ToUniversalTime() ? a : new DateTimeOffset(b.ToUniversalTime());

    private static DateTimeOffset Min(DateTimeOffset a, DateTime b) => a < b.ToUniversalTime() ? a : new DateTimeOffset(b.ToUniversalTime());

    private static OidCollection Usages(FleetRole role)
    {
        var usages = new OidCollection { new Oid("1.3.6.1.5.5.7.3.2") }; // clientAuth
        if (role == FleetRole.Node)
        {
            usages.Add(new Oid("1.3.6.1.5.5.7.3.1")); // serverAuth
        }

        return usages;
    }

    private static X509Extension SubjectAlternativeName(LeafCertificateRequest request)
    {
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(request.Identity.ToUri());
        foreach (var name in request.DnsNames)
        {
            san.AddDnsName(name);
        }

        foreach (var address in request.IpAddresses)
        {
            san.AddIpAddress(address);
        }

        if (request.IncludeLoopback)
        {
            san.AddDnsName("localhost");
            san.AddIpAddress(IPAddress.Loopback);
            san.AddIpAddress(IPAddress.IPv6Loopback);
        }

        return san.Build();
    }

    private static string ReadFile(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new TlsMaterialException($"{path} does not exist: create the local CA first.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TlsMaterialException($"{path} cannot be read: {e.Message}", e);
        }
    }
}
