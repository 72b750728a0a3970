using System.Text;
using System.Text.Json;
using SecretFleet.Cli.Commands;
using SecretFleet.Cli.Commands.List;
using SecretFleet.Cli.Commands.Refresh;
using SecretFleet.Cli.Commands.Status;
using SecretFleet.Cli.Output;
using SecretFleet.Cli.Targets;
using SecretFleet.Cli.Tests.Support;
using SecretFleet.Core.Client;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Identity;

namespace SecretFleet.Cli.Tests.Output;

[Trait("Category", "Unit")]
public sealed class RenderingTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static readonly FleetView View = new("ns/demo", 2,
        [.. Enumerable.Range(0, 3).Select(i => new FleetMember((byte)(i + 1), new Uri($"https://10.0.0.{i + 1}:7443"), $"demo-{i}.demo-nodes.ns.svc", new FleetIdentity("demo.ns", FleetRole.Node, $"demo-{i}")))]);

    private static StatusReport Report(params NodeStatus[] nodes) =>
        StatusReport.Build("SecretCluster ns/demo", "kubernetes", View, nodes,
            new RefreshTimes(Now.AddMinutes(-5), Now.AddHours(1), null, "every 1h", null), m => new Uri($"http://10.0.0.{m.X}:8080/metrics"));

    private static NodeStatus Healthy(byte x, ulong epoch) => new(x, View.Member(x).Endpoint, true, epoch, true, 4, null, null);

    private static NodeStatus Down(byte x) => new(x, View.Member(x).Endpoint, false, 0, false, 0, null, "UNAVAILABLE: connection refused");

    [Fact]
    public void Status_json_carries_the_fields_scripts_rely_on()
    {
        var output = InProcessCli.Output(OutputFormat.Json, out var stdout, out _);

        FleetStatus.Render(output, Report(Healthy(1, 7), Healthy(2, 7), Down(3)), Now);

        var json = JsonDocument.Parse(stdout.ToArray()).RootElement;
        Assert.Equal(7UL, json.GetProperty("epoch").GetUInt64());
        Assert.Equal(2, json.GetProperty("threshold").GetInt32());
        Assert.Equal(2, json.GetProperty("healthyNodes").GetInt32());
        Assert.True(json.GetProperty("available").GetBoolean());
        var down = json.GetProperty("nodes")[2];
        Assert.Equal(2, down.GetProperty("ordinal").GetInt32());
        Assert.Equal("https://10.0.0.3:7443", down.GetProperty("endpoint").GetString());
        Assert.False(down.GetProperty("healthy").GetBoolean());
        Assert.Equal(JsonValueKind.Null, down.GetProperty("epoch").ValueKind);
        Assert.Equal("http://10.0.0.3:8080/metrics", down.GetProperty("metricsUrl").GetString());
        Assert.Contains("connection refused", down.GetProperty("error").GetString());
    }

    [Fact]
    public void The_fleet_epoch_is_the_one_most_healthy_members_hold()
    {
        Assert.Equal(5UL, Report(Healthy(1, 5), Healthy(2, 5), Healthy(3, 6)).Epoch);
        Assert.Equal(6UL, Report(Healthy(1, 5), Healthy(2, 6), Down(3)).Epoch);
        Assert.Null(Report(Down(1), Down(2), Down(3)).Epoch);
        Assert.False(Report(Healthy(1, 5), Down(2), Down(3)).Available);
    }

    [Fact]
    public void Status_table_shows_health_schedule_and_no_colour_when_redirected()
    {
        var output = InProcessCli.Output(OutputFormat.Table, out var stdout, out _);

        FleetStatus.Render(output, Report(Healthy(1, 3), Healthy(2, 3), Down(3)), Now);

        var text = Encoding.UTF8.GetString(stdout.ToArray());
        Assert.Contains("2 of 3 healthy, any 2 recover a secret", text);
        Assert.Contains("2026-11-22 11:55:00Z (5m ago)", text);
        Assert.Contains("in 60m", text);
        Assert.Contains("node-2", text);
        Assert.Contains("UNAVAILABLE", text);
        Assert.DoesNotContain("\u001b[", text);
    }

    [Theory]
    [InlineData(30, "in 30s")]
    [InlineData(-600, "10m ago")]
    [InlineData(7200, "in 2h")]
    [InlineData(-259200, "3d ago")]
    public void Times_read_as_absolute_and_relative(int seconds, string relative)
    {
        Assert.EndsWith($"({relative})", FleetStatus.When(Now.AddSeconds(seconds), Now, "never"));
        Assert.Equal("never", FleetStatus.When(null, Now, "never"));
    }

    [Fact]
    public void List_json_has_names_and_metadata_only()
    {
        var output = InProcessCli.Output(OutputFormat.Json, out var stdout, out _);
        var secrets = new[] { new SecretInfo("db", 9, 2, 2, 3, Now, 48) };

        ListSecrets.Render(output, secrets, 3);

        var item = JsonDocument.Parse(stdout.ToArray()).RootElement.GetProperty("secrets")[0];
        Assert.Equal("db", item.GetProperty("name").GetString());
        Assert.Equal(9UL, item.GetProperty("version").GetUInt64());
        Assert.Equal(3, item.GetProperty("nodes").GetInt32());
    }

    [Fact]
    public void An_empty_list_says_how_to_add_a_secret()
    {
        var output = InProcessCli.Output(OutputFormat.Table, out var stdout, out _);

        ListSecrets.Render(output, [], 3);

        Assert.Contains("kubectl secrets store NAME", Encoding.UTF8.GetString(stdout.ToArray()));
    }

    [Fact]
    public void An_aborted_refresh_exits_5_with_the_reason_and_the_epoch_kept()
    {
        var output = InProcessCli.Output(OutputFormat.Table, out _, out var stderr);

        var exit = RefreshFleet.Render(output, "local fleet x", new RefreshReport(true, false, "refresh-1", 4, 4, "dealer node-2 failed the batch check", 0, null, null));

        Assert.Equal(ExitCodes.Other, exit);
        Assert.Contains("dealer node-2 failed the batch check", stderr.ToString());
        Assert.Contains("stays at epoch 4", stderr.ToString());
    }

    [Fact]
    public void A_requested_refresh_without_wait_succeeds_and_says_how_to_follow_it()
    {
        var output = InProcessCli.Output(OutputFormat.Table, out var stdout, out _);

        var exit = RefreshFleet.Render(output, "SecretCluster ns/demo", new RefreshReport(false, false, null, 4, null, null, 0, null, Now));

        Assert.Equal(0, exit);
        Assert.Contains("--wait", Encoding.UTF8.GetString(stdout.ToArray()));
    }
}
