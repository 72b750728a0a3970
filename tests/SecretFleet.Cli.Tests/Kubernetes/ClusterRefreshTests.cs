using SecretFleet.Cli.Commands;
using SecretFleet.Cli.Kubernetes;
using SecretFleet.Cli.Targets;
using SecretFleet.Cli.Tests.Support;
using SecretFleet.Kube;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.Kube.Watch;

namespace SecretFleet.Cli.Tests.Kubernetes;

[Trait("Category", "Unit")]
public sealed class ClusterRefreshTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 30, 15, 400, TimeSpan.Zero);

    private static SecretCluster Cluster(SecretClusterStatus status) => ClusterObjects.Cluster("demo", "vault", 3, 2, status);

    private static ClusterRefresh Refresh(FakeKubeApi api) => new(api, "vault", "demo", new FixedTime(Now));

    [Fact]
    public async Task Refresh_sets_the_annotation_to_now_in_rfc3339_and_returns_without_wait()
    {
        var api = new FakeKubeApi().Add(Cluster(new SecretClusterStatus { Epoch = 4 }));

        var report = await Refresh(api).RunAsync(new RefreshRequest(false, TimeSpan.FromMinutes(1)), null, CancellationToken.None);

        Assert.False(report.Completed);
        var (ns, name, patch) = Assert.Single(api.Patches);
        Assert.Equal(("vault", "demo", KubePatchType.Merge), (ns, name, patch.Type));
        Assert.Equal("2026-11-22T10:30:15Z", patch.Body["metadata"]!["annotations"]![LabelsAndAnnotations.RefreshRequestedAt]!.GetValue<string>());
    }

    [Fact]
    public async Task Wait_follows_the_status_until_a_newer_last_refresh_time()
    {
        var api = new FakeKubeApi().Add(Cluster(new SecretClusterStatus { Epoch = 4, LastRefreshTime = Now.AddHours(-1) }));
        var phases = new List<string>();
        var running = Refresh(api).RunAsync(new RefreshRequest(true, TimeSpan.FromMinutes(1)), new SyncProgressSink(phases), CancellationToken.None);

        api.Emit(WatchEventType.Modified, Cluster(new SecretClusterStatus { Epoch = 4, Refresh = new RefreshStatus { Id = "refresh-9", Phase = RefreshPhase.Dealing } }));
        api.Emit(WatchEventType.Modified, Cluster(new SecretClusterStatus { Epoch = 4, Refresh = new RefreshStatus { Id = "refresh-9", Phase = RefreshPhase.Committing, Decision = RefreshDecision.Commit } }));
        api.Emit(WatchEventType.Modified, Cluster(new SecretClusterStatus { Epoch = 5, LastRefreshTime = Now.AddSeconds(3) }));
        var report = await running.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(report.Committed);
        Assert.Equal((4UL, 5UL), (report.EpochBefore!.Value, report.EpochAfter!.Value));
        Assert.Equal("refresh-9", report.OperationId);
        Assert.Equal(["dealing", "committing"], phases);
    }

    [Fact]
    public async Task An_abort_ends_the_wait_with_the_operators_reason()
    {
        var api = new FakeKubeApi().Add(Cluster(new SecretClusterStatus { Epoch = 4 }));
        var running = Refresh(api).RunAsync(new RefreshRequest(true, TimeSpan.FromMinutes(1)), null, CancellationToken.None);

        api.Emit(WatchEventType.Modified, Cluster(new SecretClusterStatus { Epoch = 4, Refresh = new RefreshStatus { Id = "refresh-3", Decision = RefreshDecision.Abort, Reason = "node demo-2 is unreachable" } }));
        api.Emit(WatchEventType.Modified, Cluster(new SecretClusterStatus { Epoch = 4 }));
        var report = await running.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(report.Completed);
        Assert.False(report.Committed);
        Assert.Equal("node demo-2 is unreachable", report.Reason);
    }

    [Fact]
    public async Task Waiting_past_the_timeout_fails_with_what_to_check()
    {
        var api = new FakeKubeApi().Add(Cluster(new SecretClusterStatus { Epoch = 4 }));

        var error = await Assert.ThrowsAsync<CliException>(() => Refresh(api).RunAsync(new RefreshRequest(true, TimeSpan.FromMilliseconds(200)), null, CancellationToken.None));

        Assert.Equal(ExitCodes.Other, error.ExitCode);
        Assert.Contains("kubectl describe secretcluster demo -n vault", error.Message);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private sealed class SyncProgressSink(List<string> phases) : IProgress<RefreshProgress>
    {
        public void Report(RefreshProgress value)
        {
            if (phases.Count == 0 || phases[^1] != value.Phase)
            {
                phases.Add(value.Phase);
            }
        }
    }
}
