using Grpc.Health.V1;
using SecretFleet.Core.Rpc;
using SecretFleet.Core.Tests.Identity;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace SecretFleet.Core.Tests.Rpc;

[Trait("Category", "Integration")]
public sealed class HealthServiceTests : IAsyncLifetime
{
    private static readonly RpcCallOptions TenSeconds = new(TimeSpan.FromSeconds(10));
    private readonly TestPki pki = new();
    private RpcTestServer server = null!;
    private RpcChannel channel = null!;

    public async Task InitializeAsync()
    {
        server = await RpcTestServer.StartAsync(pki.Node());
        channel = server.Channel(pki.Operator());
    }

    public async Task DisposeAsync()
    {
        channel.Dispose();
        await server.DisposeAsync();
        pki.Dispose();
    }

    [Fact]
    public async Task Check_of_the_whole_server_is_SERVING_from_the_start()
    {
        var response = await CheckAsync(string.Empty);

        Assert.Equal(ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task Check_reports_the_status_set_for_a_service()
    {
        server.Health.SetStatus("secretfleet.v1.Shares", ServingStatus.NotServing);

        var response = await CheckAsync("secretfleet.v1.Shares");

        Assert.Equal(ServingStatus.NotServing, response.Status);
    }

    [Fact]
    public async Task Check_of_an_unknown_service_returns_NOT_FOUND()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => CheckAsync("no.such.Service"));

        Assert.Equal(RpcStatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task Watch_sends_the_current_status_then_each_change()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var seen = new List<ServingStatus>();
        var watch = channel.ServerStreamingAsync(HealthService.ServiceName, "Watch", new HealthCheckRequest { Service = "svc" }, HealthCheckResponse.Parser, new RpcCallOptions(Timeout.InfiniteTimeSpan), stop.Token);

        await foreach (var response in watch)
        {
            seen.Add(response.Status);
            switch (seen.Count)
            {
                case 1:
                    server.Health.SetStatus("svc", ServingStatus.Serving);
                    break;
                case 2:
                    server.Health.SetAllNotServing();
                    break;
            }

            if (seen.Count == 3)
            {
                break;
            }
        }

        Assert.Equal([ServingStatus.ServiceUnknown, ServingStatus.Serving, ServingStatus.NotServing], seen);
    }

    private Task<HealthCheckResponse> CheckAsync(string service) =>
        channel.UnaryAsync(HealthService.ServiceName, "Check", new HealthCheckRequest { Service = service }, HealthCheckResponse.Parser, TenSeconds, CancellationToken.None);
}
