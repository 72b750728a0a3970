using System.Security.Cryptography;
using Grpc.Core;
using SecretFleet.Core.Identity;
using SecretFleet.Core.Protos;
using SecretFleet.Core.Rpc;
using SecretFleet.Node.Storage;
using SecretFleet.Node.Tests.Support;

namespace SecretFleet.Node.Tests.Adversarial;

/// <summary>An attacker with a node's files: keys taken after a refresh open nothing of an erased epoch, and rows edited on disk hand no share to anyone.</summary>
[Trait("Category", "Adversarial")]
public sealed class AtRestTests
{
    [Fact]
    public async Task After_a_refresh_the_node_key_and_everything_on_disk_open_no_row_of_the_old_epoch()
    {
        await using var fleet = await ProcessFleet.StartAsync(n: 3, threshold: 2);
        var client = fleet.Client();
        for (var i = 0; i < 20; i++)
        {
            await client.StoreAsync($"s-{i}", RandomNumberGenerator.GetBytes(32), null, default);
        }
        // Rows of epoch 0 as a disk image or an SSD's stale blocks would keep them.
        var old = NodeDatabase.Rows(fleet, 1);
        using (var before = NodeDatabase.Sealer(fleet, 1))
        {
            Assert.All(old, row => Assert.True(before.TryOpen(row.Binding, row.Epoch, row.Sealed, new byte[ShareSealer.OpenedLength(row.Sealed.Length)])));
        }
        using var operations = fleet.Operations();

        Assert.True((await fleet.Coordinator(operations).RefreshAsync(fleet.View, null, default)).Committed);

        // The node key file and the database as they are now: the current rows open, the old ones do not.
        using var later = NodeDatabase.Sealer(fleet, 1);
        Assert.All(NodeDatabase.Rows(fleet, 1), row => Assert.True(later.TryOpen(row.Binding, row.Epoch, row.Sealed, new byte[ShareSealer.OpenedLength(row.Sealed.Length)])));
        Assert.All(old, row => Assert.False(later.TryOpen(row.Binding, row.Epoch, row.Sealed, new byte[ShareSealer.OpenedLength(row.Sealed.Length)]), "an erased epoch's row opened with keys taken after the refresh"));
    }

    [Theory]
    [InlineData("owner = 'spiffe://test.local/client/mallory'")]
    [InlineData("commitment = zeroblob(32)")]
    [InlineData("threshold = 1")]
    public async Task A_row_whose_metadata_was_edited_on_disk_serves_no_share(string edit)
    {
        await using var fleet = await ProcessFleet.StartAsync(n: 3, threshold: 2);
        await fleet.Client().StoreAsync("s", RandomNumberGenerator.GetBytes(32), null, default);
        await fleet.StopNodeAsync(1);
        using (var connection = NodeDatabase.Open(fleet, 1, readOnly: false))
        using (var update = connection.CreateCommand())
        {
            update.CommandText = $"UPDATE shares SET {edit}";
            Assert.Equal(1, update.ExecuteNonQuery());
        }
        await fleet.StartNodeAsync(1);
        var caller = edit.StartsWith("owner", StringComparison.Ordinal) ? "mallory" : "alice";
        using var tls = fleet.Issue(FleetRole.Client, caller).ToTlsMaterial();
        using var channel = new GrpcTestChannel(new RpcChannelOptions { Address = fleet.View.Member(1).Endpoint, Tls = tls, TlsServerName = "localhost" });

        var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync("secretfleet.v1.Shares", "Get", new GetShareRequest { Name = "s" }, GetShareResponse.Parser, TimeSpan.FromSeconds(10), default));

        Assert.Equal(StatusCode.DataLoss, error.StatusCode);
    }
}
