using SecretFleet.Cli.Clients;
using SecretFleet.Cli.Commands;
using SecretFleet.Cli.Tests.Support;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Cli.Tests.Clients;

/// <summary>What `client create|delete` refuse before they change a SecretCluster (the changes themselves run in the emulated cluster suite).</summary>
[Trait("Category", "Unit")]
public sealed class ClusterClientsTests
{
    private static (FakeKubeApi Api, ClusterClients Clients) World()
    {
        var cluster = ClusterObjects.Cluster("demo", "vault", 3, 2);
        var api = new FakeKubeApi().Add(cluster with { Spec = cluster.Spec with { Clients = [new ClientSpec { Name = "team-a" }] } });
        return (api, new ClusterClients(api, null, "vault", "demo", TimeProvider.System));
    }

    [Theory]
    [InlineData("Team-A")]
    [InlineData("team_a")]
    [InlineData("-team")]
    [InlineData("../operator")]
    public async Task A_name_that_is_not_a_DNS_label_is_refused_with_exit_1_and_nothing_is_patched(string name)
    {
        var (api, clients) = World();

        var error = await Assert.ThrowsAsync<CliException>(() => clients.CreateAsync(name, TimeSpan.Zero, CancellationToken.None));

        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.Contains("not a valid client name", error.Message);
        Assert.Empty(api.Patches);
    }

    [Theory]
    [InlineData("team-a")]
    [InlineData("default")]
    public async Task An_existing_client_is_not_created_twice(string name)
    {
        var (api, clients) = World();

        var error = await Assert.ThrowsAsync<CliException>(() => clients.CreateAsync(name, TimeSpan.Zero, CancellationToken.None));

        Assert.Equal(ExitCodes.Other, error.ExitCode);
        Assert.Contains("already exists", error.Message);
        Assert.Empty(api.Patches);
    }

    [Fact]
    public async Task Deleting_a_client_the_cluster_does_not_have_exits_2_and_the_default_client_cannot_go()
    {
        var (api, clients) = World();

        var missing = await Assert.ThrowsAsync<CliException>(() => clients.DeleteAsync("team-b", CancellationToken.None));
        var builtIn = await Assert.ThrowsAsync<CliException>(() => clients.DeleteAsync("default", CancellationToken.None));

        Assert.Equal(ExitCodes.NotFound, missing.ExitCode);
        Assert.Equal(ExitCodes.Usage, builtIn.ExitCode);
        Assert.Empty(api.Patches);
    }

    [Fact]
    public async Task List_shows_the_default_and_each_named_client_with_its_Secret_and_whether_it_is_issued()
    {
        var (_, clients) = World();

        var all = await clients.ListAsync(CancellationToken.None);

        Assert.Equal(["default", "team-a"], all.Select(c => c.Name));
        Assert.Equal("Secret vault/demo-client-team-a-tls", all[1].Credentials);
        Assert.Equal("spiffe://secretfleet.local/client/team-a", all[1].Identity);
        Assert.All(all, c => Assert.Equal(ClientRegistry.Pending, c.State));
    }
}
