using SecretFleet.Node.Tests.Support;

namespace SecretFleet.Node.Tests.Integration;

/// <summary>The node's plain-HTTP endpoints: probes and Prometheus metrics that promtool accepts.</summary>
[Trait("Category", "Integration")]
public sealed class MetricsTests(SharedFleet shared) : IClassFixture<SharedFleet>
{
    [Fact]
    public async Task Metrics_pass_promtool_and_count_requests_by_method_and_code()
    {
        var client = shared.Fleet.Client();
        await client.StoreAsync("metered", new byte[] { 1, 2, 3 }, new(Overwrite: true), default);
        await client.RecoverAsync("metered", default);
        using var http = new HttpClient();

        var text = await http.GetStringAsync(new Uri(shared.Fleet[1].Http, "/metrics"));
        var (code, stdout, stderr) = await Repository.RunAsync("promtool", ["check", "metrics"], text);

        Assert.True(code == 0, $"promtool: {stdout}{stderr}");
        Assert.Contains("secretfleet_rpc_server_calls_total{code=\"OK\",method=\"secretfleet.v1.Shares/Put\"}", text);
        Assert.Contains("secretfleet_rpc_server_duration_seconds_bucket", text);
        Assert.Contains("secretfleet_node_epoch", text);
        Assert.Contains("secretfleet_node_store_size_bytes", text);
        // Types as docs/metrics.md promises them: counters stay counters through prometheus-net.
        Assert.Contains("# TYPE secretfleet_rpc_server_calls_total counter\n", text);
        Assert.Contains("# TYPE secretfleet_rpc_server_duration_seconds histogram\n", text);
        Assert.Contains("# TYPE secretfleet_node_epoch gauge\n", text);
        Assert.Contains("# TYPE process_cpu_seconds_total counter\n", text);
        Assert.DoesNotContain("metered", text);
    }

    [Fact]
    public async Task Plain_http_serves_probes_and_metrics_only_and_names_no_secret_or_operation()
    {
        var client = shared.Fleet.Client();
        await client.StoreAsync("plain-http-canary", new byte[] { 4, 5, 6 }, new(Overwrite: true), default);
        using var operations = shared.Fleet.Operations();
        var refresh = await shared.Fleet.Coordinator(operations).RefreshAsync(shared.Fleet.View, null, default);
        Assert.True(refresh.Committed, refresh.Reason);
        using var http = new HttpClient();

        foreach (var x in new byte[] { 1, 3 })
        {
            foreach (var path in new[] { "/metrics", "/readyz", "/healthz" })
            {
                var body = await http.GetStringAsync(new Uri(shared.Fleet[x].Http, path));
                Assert.DoesNotContain("plain-http-canary", body, StringComparison.Ordinal);
                Assert.DoesNotContain(refresh.OperationId, body, StringComparison.Ordinal);
                Assert.DoesNotContain(refresh.OperationId[(refresh.OperationId.IndexOf('-') + 1)..], body, StringComparison.Ordinal);
            }

            foreach (var path in new[] { "/", "/debug", "/status", "/secretfleet.v1.Shares/Get", "/secretfleet.v1.Refresh/Status" })
            {
                using var response = await http.GetAsync(new Uri(shared.Fleet[x].Http, path));
                Assert.True(response.StatusCode == System.Net.HttpStatusCode.NotFound, $"{path} on x {x}: {(int)response.StatusCode}");
            }
        }
    }

    [Fact]
    public async Task Probes_answer_without_a_client_certificate()
    {
        using var http = new HttpClient();
        var healthz = await http.GetAsync(new Uri(shared.Fleet[2].Http, "/healthz"));
        var readyz = await http.GetStringAsync(new Uri(shared.Fleet[2].Http, "/readyz"));
        Assert.True(healthz.IsSuccessStatusCode);
        Assert.Contains("\"ready\":true", readyz);
        Assert.Contains("\"member\":true", readyz);
    }
}
