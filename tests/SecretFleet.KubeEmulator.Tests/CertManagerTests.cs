using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator.Tests;

[Trait("Category", "Cluster")]
public sealed class CertManagerTests : IAsyncLifetime
{
    private const string Chain = """
        apiVersion: cert-manager.io/v1
        kind: Issuer
        metadata: {name: selfsigned}
        spec: {selfSigned: {}}
        ---
        apiVersion: cert-manager.io/v1
        kind: Certificate
        metadata: {name: fleet-ca}
        spec:
          isCA: true
          commonName: fleet-ca
          secretName: fleet-ca
          privateKey: {algorithm: ECDSA, size: 256}
          issuerRef: {name: selfsigned, kind: Issuer}
        ---
        apiVersion: cert-manager.io/v1
        kind: Issuer
        metadata: {name: fleet-ca}
        spec:
          ca: {secretName: fleet-ca}
        ---
        apiVersion: cert-manager.io/v1
        kind: Certificate
        metadata: {name: node}
        spec:
          secretName: node-tls
          commonName: fleet-node
          dnsNames: ["*.fleet.default.svc", localhost]
          ipAddresses: ["127.0.0.1"]
          uris: ["spiffe://secretfleet.local/node/fleet"]
          usages: [server auth, client auth]
          duration: 24h
          privateKey: {algorithm: RSA, size: 2048, encoding: PKCS8}
          issuerRef: {name: fleet-ca}
        """;

    private EmulatorWorld _world = null!;

    public async Task InitializeAsync() => _world = await EmulatorWorld.StartAsync();

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Ca_issuer_chain_issues_a_leaf_that_validates_with_the_requested_names()
    {
        await _world.Kubectl.SucceedAsync("apply -f -", Chain);

        await _world.Kubectl.SucceedAsync("wait --for=condition=Ready --timeout=10s certificate/node certificate/fleet-ca issuer/fleet-ca");

        var secret = await _world.GetAsync("/api/v1/namespaces/default/secrets/node-tls");
        Assert.Equal("kubernetes.io/tls", secret["type"]!.GetValue<string>());
        using var leaf = X509Certificate2.CreateFromPem(Data(secret, "tls.crt"), Data(secret, "tls.key"));
        using var ca = X509Certificate2.CreateFromPem(Data(secret, "ca.crt"));
        Assert.True(leaf.HasPrivateKey);
        Assert.Equal("CN=fleet-node", leaf.Subject);
        Assert.Equal("CN=fleet-ca", ca.Subject);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.1"));
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.2"));
        Assert.True(chain.Build(leaf), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
        var sans = leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["*.fleet.default.svc", "localhost"], sans.EnumerateDnsNames());
        Assert.Equal([IPAddress.Loopback], sans.EnumerateIPAddresses());
        Assert.Equal(["spiffe://secretfleet.local/node/fleet"], Uris(sans));
        Assert.NotNull(leaf.GetRSAPrivateKey());
        Assert.InRange((leaf.NotAfter - leaf.NotBefore).TotalHours, 24, 24.1);
        var caCertificate = JsonNode.Parse(await _world.Kubectl.SucceedAsync("get certificate fleet-ca -o json"))!;
        Assert.Equal(1, caCertificate["status"]!["revision"]!.GetValue<int>());
        Assert.Matches(@"node\s+True\s+node-tls", await _world.Kubectl.SucceedAsync("get certificates"));
    }

    [Fact]
    public async Task Changing_a_certificate_spec_reissues_its_secret()
    {
        await _world.Kubectl.SucceedAsync("apply -f -", Chain);
        await _world.Kubectl.SucceedAsync("wait --for=condition=Ready --timeout=10s certificate/node");
        var before = Data(await _world.GetAsync("/api/v1/namespaces/default/secrets/node-tls"), "tls.crt");

        await _world.Kubectl.SucceedAsync("patch certificate node --type=merge -p '{\"spec\":{\"dnsNames\":[\"renamed.example\"]}}'");

        await EmulatorWorld.EventuallyAsync(async () =>
            Data(await _world.GetAsync("/api/v1/namespaces/default/secrets/node-tls"), "tls.crt") != before, "the secret holds a new certificate");
        using var reissued = X509Certificate2.CreateFromPem(Data(await _world.GetAsync("/api/v1/namespaces/default/secrets/node-tls"), "tls.crt"));
        Assert.Equal(["renamed.example"], reissued.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames());
        await EmulatorWorld.EventuallyAsync(async () =>
            (await _world.GetAsync("/apis/cert-manager.io/v1/namespaces/default/certificates/node"))["status"]!["revision"]!.GetValue<int>() == 2, "revision 2 is recorded");
    }

    [Fact]
    public async Task Ca_issuer_without_its_secret_is_not_ready_and_its_certificates_wait()
    {
        await _world.Kubectl.SucceedAsync("apply -f -", """
            apiVersion: cert-manager.io/v1
            kind: Issuer
            metadata: {name: orphan-ca}
            spec: {ca: {secretName: missing}}
            ---
            apiVersion: cert-manager.io/v1
            kind: Certificate
            metadata: {name: waiting}
            spec: {secretName: waiting-tls, commonName: w, issuerRef: {name: orphan-ca}}
            """);

        await _world.Kubectl.SucceedAsync("wait --for=condition=Ready=false --timeout=10s issuer/orphan-ca certificate/waiting");

        var issuer = await _world.GetAsync("/apis/cert-manager.io/v1/namespaces/default/issuers/orphan-ca");
        Assert.Contains("secrets \"missing\" not found", issuer["status"]!["conditions"]![0]!["message"]!.GetValue<string>());
        Assert.Equal(404, (await _world.SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/secrets/waiting-tls")).Code);
    }

    [Fact]
    public async Task Self_signed_cluster_issuer_signs_certificates_in_any_namespace()
    {
        await _world.Kubectl.SucceedAsync("create namespace team");
        await _world.Kubectl.SucceedAsync("apply -f -", """
            apiVersion: cert-manager.io/v1
            kind: ClusterIssuer
            metadata: {name: cluster-selfsigned}
            spec: {selfSigned: {}}
            ---
            apiVersion: cert-manager.io/v1
            kind: Certificate
            metadata: {name: client, namespace: team}
            spec:
              secretName: client-tls
              commonName: client
              usages: [client auth]
              issuerRef: {name: cluster-selfsigned, kind: ClusterIssuer}
            """);

        await _world.Kubectl.SucceedAsync("wait --for=condition=Ready --timeout=10s -n team certificate/client");

        var secret = await _world.GetAsync("/api/v1/namespaces/team/secrets/client-tls");
        using var certificate = X509Certificate2.CreateFromPem(Data(secret, "tls.crt"));
        Assert.Equal(Data(secret, "tls.crt"), Data(secret, "ca.crt"));
        Assert.Equal(certificate.Subject, certificate.Issuer);
        Assert.Equal("1.3.6.1.5.5.7.3.2", certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages[0].Value);
        Assert.Equal("ClusterIssuer", secret["metadata"]!["annotations"]!["cert-manager.io/issuer-kind"]!.GetValue<string>());
    }

    private static string Data(JsonObject secret, string key) =>
        Encoding.UTF8.GetString(Convert.FromBase64String(secret["data"]![key]!.GetValue<string>()));

    /// <summary>URI SANs (GeneralName [6]), which .NET does not enumerate.</summary>
    private static List<string> Uris(X509SubjectAlternativeNameExtension sans)
    {
        var reader = new AsnReader(sans.RawData, AsnEncodingRules.DER).ReadSequence();
        var uris = new List<string>();
        while (reader.HasData)
        {
            var tag = reader.PeekTag();
            if (tag.HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 6)))
            {
                uris.Add(reader.ReadCharacterString(UniversalTagNumber.IA5String, tag));
            }
            else
            {
                reader.ReadEncodedValue();
            }
        }

        return uris;
    }
}
