using SecretFleet.Kube.Config;
using SecretFleet.Kube.Models;
using SecretFleet.Kube.Tests.Support;

namespace SecretFleet.Kube.Tests.Config;

/// <summary>Kubeconfig TLS variants against a real HTTPS stub: the connection either works or it does not.</summary>
[Trait("Category", "Integration")]
public sealed class KubeConfigTlsTests : IDisposable
{
    private const string NamespaceJson = """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"default"}}""";
    private readonly TempDirectory _dir = new();
    private readonly TestCertificates _certs = new();

    public void Dispose()
    {
        _dir.Dispose();
        _certs.Dispose();
    }

    private string Kubeconfig(KubeStub stub, string cluster, string user) => _dir.Write("kube/config", $"""
        apiVersion: v1
        kind: Config
        current-context: test
        contexts:
        - name: test
          context: {"{"}cluster: stub, user: me{"}"}
        clusters:
        - name: stub
          cluster:
            server: "{stub.Url}"
        {cluster}
        users:
        - name: me
          user:
        {user}
        """);

    private static async Task<KubeObject?> GetNamespaceAsync(string kubeconfig)
    {
        var config = KubeConfigLoader.Load(new KubeConfigOptions { KubeconfigPath = kubeconfig }, new KubeEnvironment { GetVariable = _ => null });
        using var api = KubeApi.Create(config);
        return await api.GetAsync<KubeObject>(KubeResources.Namespaces, null, "default", CancellationToken.None);
    }

    [Fact]
    public async Task Certificate_authority_data_and_a_token_reach_the_server()
    {
        await using var stub = await KubeStub.StartAsync(c => KubeStub.Json(c, NamespaceJson), _certs);
        var file = Kubeconfig(stub, $"    certificate-authority-data: {TestCertificates.Base64(_certs.CaPem)}", "      token: sekret");

        var ns = await GetNamespaceAsync(file);

        Assert.Equal("default", ns!.Metadata.Name);
        Assert.Equal("Bearer sekret", stub.Single().Authorization);
    }

    [Fact]
    public async Task A_relative_certificate_authority_file_and_client_certificate_files_authenticate_by_mTLS()
    {
        await using var stub = await KubeStub.StartAsync(c => KubeStub.Json(c, NamespaceJson), _certs, requireClientCertificate: true);
        _dir.Write("kube/pki/ca.crt", _certs.CaPem);
        _dir.Write("kube/pki/me.crt", _certs.ClientPem);
        _dir.Write("kube/pki/me.key", _certs.ClientKeyPem);
        var file = Kubeconfig(stub, "    certificate-authority: pki/ca.crt", "      client-certificate: pki/me.crt\n      client-key: pki/me.key");

        await GetNamespaceAsync(file);

        var request = stub.Single();
        Assert.Equal("CN=test-user", request.ClientCertificateSubject);
        Assert.Null(request.Authorization);
    }

    [Fact]
    public async Task Client_certificate_data_and_key_data_authenticate_by_mTLS()
    {
        await using var stub = await KubeStub.StartAsync(c => KubeStub.Json(c, NamespaceJson), _certs, requireClientCertificate: true);
        var file = Kubeconfig(
            stub,
            $"    certificate-authority-data: {TestCertificates.Base64(_certs.CaPem)}",
            $"      client-certificate-data: {TestCertificates.Base64(_certs.ClientPem)}\n      client-key-data: {TestCertificates.Base64(_certs.ClientKeyPem)}");

        await GetNamespaceAsync(file);

        Assert.Equal("CN=test-user", stub.Single().ClientCertificateSubject);
    }

    [Fact]
    public async Task A_server_the_CA_did_not_sign_is_refused()
    {
        using var otherCa = new TestCertificates();
        await using var stub = await KubeStub.StartAsync(c => KubeStub.Json(c, NamespaceJson), _certs);
        var file = Kubeconfig(stub, $"    certificate-authority-data: {TestCertificates.Base64(otherCa.CaPem)}", "      token: sekret");

        var e = await Assert.ThrowsAsync<KubeApiException>(() => GetNamespaceAsync(file));

        Assert.Null(e.StatusCode);
        Assert.False(e.IsTransient);
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task Insecure_skip_tls_verify_accepts_an_unknown_server_certificate()
    {
        await using var stub = await KubeStub.StartAsync(c => KubeStub.Json(c, NamespaceJson), _certs);
        var file = Kubeconfig(stub, "    insecure-skip-tls-verify: true", "      token: sekret");

        var ns = await GetNamespaceAsync(file);

        Assert.Equal("default", ns!.Metadata.Name);
    }
}
