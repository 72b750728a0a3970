using System.Diagnostics;
using System.Text.Json;
using SecretFleet.Core.Identity;
using SecretFleet.Core.Tests.Identity;

namespace SecretFleet.Core.Tests.Rpc;

/// <summary>
/// Real gRPC implementations call our server: Debian's python3-grpcio and npm's @grpc/grpc-js,
/// through the generic clients in tests/interop (which later call the node's services too).
/// </summary>
[Trait("Category", "Integration")]
public sealed class InteropTests : IAsyncLifetime
{
    private static readonly string Root = FindRepositoryRoot();
    private static readonly string HealthProto = Path.Combine(Root, "core", "Protos", "grpc", "health", "v1", "health.proto");
    private static readonly string EchoProto = Path.Combine(Root, "tests", "SecretFleet.Core.Tests", "Rpc", "Protos", "echo.proto");

    private readonly TestPki _pki = new();
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("sf-interop-");
    private RpcTestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await RpcTestServer.StartAsync(_pki.Node());
        _pki.WriteClientFiles(Path.Combine(_directory.FullName, "client"), FleetRole.Client, "interop");
        _pki.WriteClientFiles(Path.Combine(_directory.FullName, "node"), FleetRole.Node, "node-7");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _pki.Dispose();
        _directory.Delete(recursive: true);
    }

    [Theory]
    [InlineData("python")]
    [InlineData("node")]
    public async Task Peer_health_check_sees_SERVING(string peer)
    {
        var output = await CallAsync(peer, HealthProto, "grpc.health.v1.Health", "Check", """{"service": ""}""");

        Assert.Equal("SERVING", Json(output).GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("python")]
    [InlineData("node")]
    public async Task Peer_unary_call_round_trips_and_is_seen_with_its_identity(string peer)
    {
        var output = await CallAsync(peer, EchoProto, "secretfleet.test.v1.Echo", "Say", """{"text": "héllo", "payload": "AAEC/w=="}""");

        var reply = Json(output);
        Assert.Equal("héllo", reply.GetProperty("text").GetString());
        Assert.Equal("AAEC/w==", reply.GetProperty("payload").GetString());
        Assert.Equal("spiffe://fleet.test/client/interop", reply.GetProperty("peer").GetString());
        Assert.True(reply.GetProperty("had_deadline").GetBoolean());
    }

    [Theory]
    [InlineData("python")]
    [InlineData("node")]
    public async Task Peer_receives_status_code_and_unicode_detail(string peer)
    {
        var output = await CallAsync(peer, EchoProto, "secretfleet.test.v1.Echo", "Say", """{"fail_with": 5, "fail_detail": "secret 'ünï' not found (100%)"}""");

        Assert.Equal("status=NOT_FOUND message=secret 'ünï' not found (100%)", output.Trim());
    }

    [Theory]
    [InlineData("python")]
    [InlineData("node")]
    public async Task Peer_deadline_gives_DEADLINE_EXCEEDED_and_cancels_the_handler(string peer)
    {
        var output = await CallAsync(peer, EchoProto, "secretfleet.test.v1.Echo", "Say", """{"wait_for_cancellation": true}""", timeoutSeconds: "2");

        Assert.StartsWith("status=DEADLINE_EXCEEDED", output.Trim(), StringComparison.Ordinal);
        // On a loaded machine the peer's deadline can pass before its request leaves; only a
        // handler that started can be cancelled, and one that started must be.
        if (_server.Echo.HandlerWaiting.IsCompleted)
        {
            await _server.Echo.HandlerCancelled.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    [Theory]
    [InlineData("python")]
    [InlineData("node")]
    public async Task Peer_reads_a_server_stream_to_its_end(string peer)
    {
        var output = await CallAsync(peer, EchoProto, "secretfleet.test.v1.Echo", "Count", """{"text": "s", "repeat": 3}""");

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal([0, 1, 2], lines.Select(l => Json(l).GetProperty("index").GetInt32()));
    }

    private async Task<string> CallAsync(string peer, string proto, string service, string method, string request, string identity = "client", string timeoutSeconds = "20")
    {
        var files = Path.Combine(_directory.FullName, identity);
        var (program, script) = peer == "python"
            ? ("/usr/bin/python3", Path.Combine(Root, "tests", "interop", "grpc_client.py"))
            : ("node", Path.Combine(Root, "tests", "interop", "grpc_client.js"));
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[]
        {
            script, "--proto", proto, "--service", service, "--method", method, "--request", request,
            "--ca", Path.Combine(files, "ca.crt"), "--cert", Path.Combine(files, "tls.crt"), "--key", Path.Combine(files, "tls.key"),
            "--target", $"127.0.0.1:{_server.Port}", "--server-name", TestPki.NodeDnsName, "--timeout", timeoutSeconds,
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Cannot start {program}.");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        Assert.True(process.ExitCode == 0, $"{peer} client exited {process.ExitCode}: {await stderr}");
        return await stdout;
    }

    private static JsonElement Json(string output) => JsonDocument.Parse(output).RootElement;

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SecretFleet.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No SecretFleet.sln above {AppContext.BaseDirectory}.");
    }
}
