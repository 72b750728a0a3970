using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SecretFleet.Kube.Tests.Support;

/// <summary>A throwaway CA with a server certificate for 127.0.0.1/localhost and a client certificate.</summary>
internal sealed class TestCertificates : IDisposable
{
    public TestCertificates(string clientName = "test-user")
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=test-ca", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var now = DateTimeOffset.UtcNow;
        Ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        var sans = new SubjectAlternativeNameBuilder();
        sans.AddIpAddress(IPAddress.Loopback);
        sans.AddDnsName("localhost");
        (Server, ServerKeyPem) = Issue("CN=kube-apiserver", sans.Build(), new Oid("1.3.6.1.5.5.7.3.1"));
        (Client, ClientKeyPem) = Issue($"CN={clientName}", null, new Oid("1.3.6.1.5.5.7.3.2"));

        (X509Certificate2, string) Issue(string subject, X509Extension? san, Oid usage)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([usage], false));
            if (san is not null)
            {
                request.CertificateExtensions.Add(san);
            }

            var serial = new byte[8];
            RandomNumberGenerator.Fill(serial);
            using var issued = request.Create(Ca, now.AddMinutes(-5), now.AddDays(1), serial);
            return (issued.CopyWithPrivateKey(key), key.ExportPkcs8PrivateKeyPem());
        }
    }

    public X509Certificate2 Ca { get; }

    public X509Certificate2 Server { get; }

    public string ServerKeyPem { get; }

    public X509Certificate2 Client { get; }

    public string ClientKeyPem { get; }

    public string CaPem => Ca.ExportCertificatePem();

    public string ClientPem => Client.ExportCertificatePem();

    public static string Base64(string pem) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(pem));

    /// <summary>True when <paramref name="certificate"/> chains to this CA.</summary>
    public bool Issued(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.Add(Ca);
        return chain.Build(certificate);
    }

    public void Dispose()
    {
        Ca.Dispose();
        Server.Dispose();
        Client.Dispose();
    }
}
