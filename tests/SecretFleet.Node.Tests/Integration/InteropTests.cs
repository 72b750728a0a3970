using System.Security.Cryptography;
using System.Text.Json;
using SecretFleet.Core.Identity;
using SecretFleet.Node.Tests.Support;

namespace SecretFleet.Node.Tests.Integration;

/// <summary>Real gRPC implementations (Debian python3-grpcio, npm @grpc/grpc-js) talk to a real node over mTLS.</summary>
[Trait("Category", "Integration")]
public sealed class InteropTests(SharedFleet shared) : IClassFixture<SharedFleet>
{
    [Theory]
    [InlineData("python")]
    [InlineData("node")]
    public async Task A_peer_checks_health(string peer)
    {
        var output = await CallAsync(peer, "grpc/health/v1/health.proto", "grpc.health.v1.Health", "Check", """{"service": "secretfleet.v1.Shares"}""", $"{peer}-health");
        Assert.Equal("SERVING", JsonDocument.Parse(output).RootElement.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("python")]
    [InlineData("node")]
    public async Task A_peer_puts_and_gets_a_share(string peer)
    {
        var share = Convert.ToBase64String(RandomNumberGenerator.GetBytes(80));
        var commitment = Convert.ToBase64String(SHA256.HashData(RandomNumberGenerator.GetBytes(8)));
        var name = $"interop-{peer}";
        var put = $$"""{"name": "{{name}}", "version": "1", "share": "{{share}}", "commitment": "{{commitment}}", "threshold": 3, "x": 1}""";

        await CallAsync(peer, "secretfleet/v1/shares.proto", "secretfleet.v1.Shares", "Put", put, $"{peer}-shares");
        var got = JsonDocument.Parse(await CallAsync(peer, "secretfleet/v1/shares.proto", "secretfleet.v1.Shares", "Get", $$"""{"name": "{{name}}"}""", $"{peer}-shares")).RootElement;

        Assert.Equal(share, got.GetProperty("share").GetString());
        Assert.Equal(commitment, got.GetProperty("commitment").GetString());
    }

    [Theory]
    [InlineData("python")]
    [InlineData("node")]
    public async Task A_peer_sees_grpc_status_codes(string peer)
    {
        var output = await CallAsync(peer, "secretfleet/v1/shares.proto", "secretfleet.v1.Shares", "Get", """{"name": "no-such-secret"}""", $"{peer}-status");
        Assert.StartsWith("status=NOT_FOUND", output.Trim());
    }

    [Theory]
    [InlineData("python")]
    [InlineData("node")]
    public async Task A_peer_with_a_node_certificate_is_refused_the_shares_service(string peer)
    {
        var output = await CallAsync(peer, "secretfleet/v1/shares.proto", "secretfleet.v1.Shares", "Get", """{"name": "anything"}""", $"{peer}-as-node", FleetRole.Node);

        Assert.StartsWith("status=PERMISSION_DENIED", output.Trim(), StringComparison.Ordinal);
        await AssertStillServesAsync();
    }

    [Theory]
    [InlineData("python")]
    [InlineData("node")]
    public async Task A_peer_with_a_certificate_of_a_foreign_CA_cannot_connect(string peer)
    {
        var files = shared.Fleet.Directory.Combine("interop", $"{peer}-foreign");
        Directory.CreateDirectory(files);
        // The fleet's CA to trust the node, but a client certificate from a CA of its own.
        shared.Fleet.Issue(FleetRole.Client, "mallory").WriteTo(files);
        using var foreign = LocalCertificateAuthority.Create(ProcessFleet.TrustDomain, TimeSpan.FromDays(1));
        var issued = foreign.Issue(new LeafCertificateRequest(new FleetIdentity(ProcessFleet.TrustDomain, FleetRole.Client, "mallory"), TimeSpan.FromDays(1)));
        await File.WriteAllTextAsync(Path.Combine(files, "tls.crt"), issued.CertificatePem);
        await File.WriteAllTextAsync(Path.Combine(files, "tls.key"), issued.PrivateKeyPem);

        var output = await CallAsync(peer, "secretfleet/v1/shares.proto", "secretfleet.v1.Shares", "Get", """{"name": "anything"}""", $"{peer}-foreign");

        Assert.StartsWith("status=UNAVAILABLE", output.Trim(), StringComparison.Ordinal);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Reflection_lists_the_services_to_a_client_that_is_not_ours()
    {
        var files = Identity("reflection", FleetRole.Client);
        var node = shared.Fleet.View.Members[0].Endpoint;
        var (code, stdout, stderr) = await Repository.RunAsync("/usr/bin/python3",
        [
            Repository.Path("tests", "interop", "grpc_reflection.py"),
            "--ca", Path.Combine(files, "ca.crt"), "--cert", Path.Combine(files, "tls.crt"), "--key", Path.Combine(files, "tls.key"),
            "--target", $"127.0.0.1:{node.Port}", "--server-name", "localhost",
        ]);
        Assert.True(code == 0, $"reflection client exited {code}: {stderr}");

        var services = JsonDocument.Parse(stdout).RootElement.GetProperty("services");
        string[] Methods(string service) => [.. services.GetProperty(service).EnumerateArray().Select(m => m.GetString()!)];
        Assert.Equal(["Delete", "Get", "GetMany", "List", "Put", "PutMany"], Methods("secretfleet.v1.Shares"));
        Assert.Contains("Deal", Methods("secretfleet.v1.Refresh"));
        Assert.Equal(["Info", "Join"], Methods("secretfleet.v1.Admin"));
        Assert.Equal(["Check", "Watch"], Methods("grpc.health.v1.Health"));
    }

    private async Task AssertStillServesAsync()
    {
        var output = await CallAsync("python", "grpc/health/v1/health.proto", "grpc.health.v1.Health", "Check", """{"service": ""}""", "python-health");
        Assert.Equal("SERVING", JsonDocument.Parse(output).RootElement.GetProperty("status").GetString());
    }

    private string Identity(string identity, FleetRole role)
    {
        var files = shared.Fleet.Directory.Combine("interop", identity);
        if (!Directory.Exists(files))
        {
            Directory.CreateDirectory(files);
            shared.Fleet.Issue(role, identity).WriteTo(files);
        }
        return files;
    }

    private async Task<string> CallAsync(string peer, string proto, string service, string method, string request, string identity, FleetRole role = FleetRole.Client)
    {
        var files = Identity(identity, role);
        var (program, script) = peer == "python" ? ("/usr/bin/python3", Repository.Path("tests", "interop", "grpc_client.py")) : ("node", Repository.Path("tests", "interop", "grpc_client.js"));
        var node = shared.Fleet.View.Members[0].Endpoint;
        var (code, stdout, stderr) = await Repository.RunAsync(program,
        [
            // Python's own `grpc` package would shadow a grpc/health/v1 module path: compile each proto from its own folder's root.
            script, "--proto", Repository.Path("core", "Protos", proto), "--proto-root", proto.StartsWith("grpc/", StringComparison.Ordinal) ? Path.GetDirectoryName(Repository.Path("core", "Protos", proto))! : Repository.Path("core", "Protos"),
            "--service", service, "--method", method, "--request", request,
            "--ca", Path.Combine(files, "ca.crt"), "--cert", Path.Combine(files, "tls.crt"), "--key", Path.Combine(files, "tls.key"),
            "--target", $"127.0.0.1:{node.Port}", "--server-name", "localhost", "--timeout", "20",
        ]);
        Assert.True(code == 0, $"{peer} client exited {code}: {stderr}");
        return stdout;
    }
}
