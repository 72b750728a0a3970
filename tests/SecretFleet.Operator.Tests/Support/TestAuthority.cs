using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s.Models;

namespace SecretFleet.Operator.Tests.Support;

/// <summary>
/// What cert-manager puts into a CA Certificate's Secret: a self-signed ECDSA CA valid from 2000 to 2100, so
/// that any test clock falls inside it (leaves cannot outlive their CA's window).
/// </summary>
internal static class TestAuthority
{
    private static readonly Lazy<(string Certificate, string Key)> Pem = new(() =>
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=test-ca, O=secretfleet", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = request.CreateSelfSigned(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero));
        return (ca.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    });

    public static V1Secret Secret(string ns, string name, IDictionary<string, string>? labels) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = labels },
        Type = "kubernetes.io/tls",
        Data = new Dictionary<string, byte[]>
        {
            ["tls.crt"] = Encoding.UTF8.GetBytes(Pem.Value.Certificate),
            ["tls.key"] = Encoding.UTF8.GetBytes(Pem.Value.Key),
            ["ca.crt"] = Encoding.UTF8.GetBytes(Pem.Value.Certificate),
        },
    };
}
