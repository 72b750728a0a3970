using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SecretFleet.Node.Hosting;
using SecretFleet.Node.Tests.Support;

namespace SecretFleet.Node.Tests.Hosting;

/// <summary>A node host built and started in-process, as the binary does it.</summary>
[Trait("Category", "Integration")]
public sealed class NodeHostTests
{
    [Fact]
    public async Task In_process_node_serves_clients_and_its_plain_HTTP_server_routes_no_gRPC()
    {
        await using var fleet = await ProcessFleet.StartAsync(n: 1, threshold: 1);
        var grpcPort = fleet[1].Grpc.Port;
        await fleet.StopNodeAsync(1, crash: false);
        string[] args =
        [
            "--cluster", "test", "--ordinal", "0", "--threshold", "1", "--data-dir", fleet.DataDirectory(1), "--tls-dir", Path.Combine(fleet.NodeDirectory(1), "tls"),
            "--key-file", fleet.KeyFile(1), "--listen", $"127.0.0.1:{grpcPort.ToString(CultureInfo.InvariantCulture)}", "--http-listen", "127.0.0.1:0",
            "--operator-name", ProcessFleet.OperatorName,
        ];

        await using var host = await NodeHostBuilder.BuildAsync(args, addTestServices: null, CancellationToken.None);
        await host.StartAsync();
        var endpoints = host.Services.GetRequiredService<NodeEndpoints>();
        var client = fleet.Client();
        await client.StoreAsync("in-process", new byte[] { 7 }, null, default);
        using var http = new HttpClient();
        var ready = await http.GetStringAsync(new Uri(endpoints.Http, "/readyz"));
        var metrics = await http.GetStringAsync(new Uri(endpoints.Http, "/metrics"));
        // Without TLS the plain server speaks HTTP/1.1 (it refuses HTTP/2 outright); a gRPC path finds no route there.
        using var grpcOverPlainHttp = new HttpRequestMessage(HttpMethod.Post, new Uri(endpoints.Http, "/secretfleet.v1.Shares/List"))
        {
            Content = new ByteArrayContent(new byte[5]) { Headers = { { "Content-Type", "application/grpc" } } },
        };
        using var refused = await http.SendAsync(grpcOverPlainHttp);
        await host.StopAsync();

        Assert.Equal(endpoints.Grpc.Port, grpcPort);
        Assert.Contains("\"ready\":true", ready);
        Assert.Contains("secretfleet_rpc_server_calls_total{code=\"OK\",method=\"secretfleet.v1.Shares/Put\"} 1\n", metrics);
        Assert.Contains("# TYPE secretfleet_node_epoch gauge\n", metrics);
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
    }
}
