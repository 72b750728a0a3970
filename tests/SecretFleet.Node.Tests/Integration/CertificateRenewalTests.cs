using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using SecretFleet.Core.Identity;
using SecretFleet.Node.Tests.Support;

namespace SecretFleet.Node.Tests.Integration;

/// <summary>cert-manager renews a node's certificate in place; the node must take it up without a restart.</summary>
[Trait("Category", "Integration")]
public sealed class CertificateRenewalTests
{
    [Fact]
    public async Task A_renewed_certificate_is_served_and_dialed_with_after_the_first_one_expired()
    {
        // Short-lived first certificates: once they expire, a node still on its first one is refused by every peer and client.
        var firstLifetime = TimeSpan.FromSeconds(20);
        await using var fleet = await ProcessFleet.StartAsync(n: 3, threshold: 2, nodeCertificateLifetime: firstLifetime);
        var expiry = DateTimeOffset.UtcNow + firstLifetime;
        var secret = RandomNumberGenerator.GetBytes(32);
        await fleet.Client().StoreAsync("renewed", secret, null, default);
        var pids = new[] { fleet[1].Pid, fleet[2].Pid, fleet[3].Pid };

        var renewed = new Dictionary<byte, string>();
        for (byte x = 1; x <= 3; x++)
        {
            var certificate = fleet.Issue(FleetRole.Node, ProcessFleet.NodeIdentity(x).Name);
            certificate.WriteTo(fleet.TlsDirectory(x));
            using var material = certificate.ToTlsMaterial();
            renewed[x] = material.Certificate.Thumbprint;
        }

        foreach (var (x, thumbprint) in renewed)
        {
            await Eventually.TrueAsync(async () => await ServedThumbprintAsync(fleet, x) == thumbprint, $"node x {x} serves its renewed certificate", TimeSpan.FromSeconds(20));
        }

        await Eventually.TrueAsync(() => DateTimeOffset.UtcNow > expiry.AddSeconds(2), "the first certificates expired", firstLifetime + TimeSpan.FromSeconds(10));
        using var operations = fleet.Operations();
        var refresh = await fleet.Coordinator(operations).RefreshAsync(fleet.View, null, default);

        Assert.True(refresh.Committed, $"{refresh.Reason}\n{fleet.Diagnostics()}");
        // A new client, so new handshakes: through nodes 2 and 3 alone, both must present a valid certificate.
        var recovered = await fleet.Client(configure: o => o with { Nodes = [.. o.Nodes.Where(n => n.X != 1)] }).RecoverAsync("renewed", default);
        Assert.Equal(secret, recovered.Secret);
        Assert.Equal(pids, new[] { fleet[1].Pid, fleet[2].Pid, fleet[3].Pid });
    }

    [Fact]
    public async Task A_certificate_for_another_identity_in_the_tls_directory_is_refused_and_the_node_keeps_its_own()
    {
        await using var fleet = await ProcessFleet.StartAsync(n: 2, threshold: 1);
        var before = await ServedThumbprintAsync(fleet, 2);

        fleet.Issue(FleetRole.Node, "node-0").WriteTo(fleet.TlsDirectory(2));

        await Eventually.TrueAsync(() => fleet[2].Output.Contains("is for spiffe://test.local/node/node-0, not spiffe://test.local/node/node-1", StringComparison.Ordinal),
            "node x 2 refuses the certificate of node x 1", TimeSpan.FromSeconds(20));
        Assert.Equal(before, await ServedThumbprintAsync(fleet, 2));
    }

    /// <summary>The thumbprint of the certificate a node presents in a new TLS handshake.</summary>
    private static async Task<string?> ServedThumbprintAsync(ProcessFleet fleet, byte x)
    {
        using var probe = fleet.Issue(FleetRole.Client, "probe").ToTlsMaterial();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(fleet[x].Grpc.Host, fleet[x].Grpc.Port);
        string? served = null;
        await using var tls = new SslStream(tcp.GetStream());
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                ApplicationProtocols = [SslApplicationProtocol.Http2],
                ClientCertificates = [probe.Certificate],
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    served = certificate?.GetCertHashString();
                    return true;
                },
            });
        }
        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException)
        {
            // Only the server's certificate matters here.
        }

        return served;
    }
}
