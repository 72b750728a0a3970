using System.Diagnostics;
using System.Net;
using k8s;
using Microsoft.Extensions.Logging;
using SecretFleet.Kube;

namespace SecretFleet.Cluster.Tests.OperatorTests;

/// <summary>The real secretfleet-operator binary and leader election between replicas, against the emulator.</summary>
[Trait("Category", "Cluster")]
public sealed class OperatorProcessTests : IAsyncLifetime
{
    private OperatorWorld _world = null!;

    public async Task InitializeAsync() => _world = await OperatorWorld.StartAsync();

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Binary_reconciles_with_the_emulators_kubeconfig_and_exits_0_on_SIGTERM()
    {
        using var process = Start("run", "--kubeconfig", _world.Kubeconfig, "--health-listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0",
            "--leader-elect", "--lease-namespace", "default", "--log-level", "warning");
        try
        {
            var started = await ReadLineAsync(process, "secretfleet-operator started");
            var health = new Uri(started.Split(' ').Single(p => p.StartsWith("health=", StringComparison.Ordinal))["health=".Length..]);
            await _world.Kubectl.SucceedAsync($"apply -f {OperatorWorld.RepositoryPath("crds", "samples", "secretcluster.yaml")}");

            await OperatorWorld.EventuallyAsync(async () => await _world.GetAsync(KubeResources.Pods, "demo-0") is not null, "the binary creates the node pods");
            using var http = new HttpClient();
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(health, "/readyz"))).StatusCode);
            var lease = await LeaseAsync();
            Assert.False(string.IsNullOrEmpty(lease.Spec.HolderIdentity));

            Signal(process, "TERM");
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await process.WaitForExitAsync(deadline.Token);
            Assert.Equal(0, process.ExitCode);
            var released = await LeaseAsync();
            Assert.Equal("", released.Spec.HolderIdentity ?? "");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task Binary_with_a_bad_flag_exits_2_naming_it()
    {
        using var process = Start("run", "--workers", "zero");
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("--workers 'zero' must be a whole number", stderr);
    }

    [Fact]
    public async Task Binary_reads_SECRETFLEET_variables_and_a_flag_beats_them()
    {
        // The flag's --workers 2 overrides the variable's "zero"; the variable alone sets the log level.
        using var process = Start(
            new Dictionary<string, string> { ["SECRETFLEET_WORKERS"] = "zero", ["SECRETFLEET_LOG_LEVEL"] = "loud" },
            "run", "--workers", "2");
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(2, process.ExitCode);
        Assert.Equal("secretfleet-operator: SECRETFLEET_LOG_LEVEL 'loud' must be trace, debug, information, warning, error, critical or none.", stderr.Trim());
    }

    [Fact]
    public async Task Standby_replica_takes_over_when_the_leader_stops()
    {
        var options = _world.Options() with
        {
            LeaderElect = true,
            LeaseNamespace = "default",
            // The stopping leader gives the lease up, so the takeover does not wait for the lease
            // to expire. A renew deadline of 1 s lost the lease under CI's load: a replica that
            // could not renew for a second stepped down right after taking over.
            LeaseDuration = TimeSpan.FromSeconds(8),
            RenewDeadline = TimeSpan.FromSeconds(5),
            RetryPeriod = TimeSpan.FromMilliseconds(200),
        };
        // Both replicas' logs go into the failure message: a takeover that stalls says where.
        using var firstLog = new CapturingLoggerProvider();
        using var secondLog = new CapturingLoggerProvider();
        using var firstLoggers = LoggerFactory.Create(b => b.AddProvider(firstLog).SetMinimumLevel(LogLevel.Debug));
        using var secondLoggers = LoggerFactory.Create(b => b.AddProvider(secondLog).SetMinimumLevel(LogLevel.Debug));
        string Logs() => $"\n--- first replica ---\n{firstLog.Text}\n--- second replica ---\n{secondLog.Text}";
        await using var first = await Operator.Hosting.OperatorHost.StartAsync(options with { Identity = "first" }, firstLoggers);
        await OperatorWorld.EventuallyAsync(() => Task.FromResult(first.IsLeader), "the first replica leads");
        await using var second = await Operator.Hosting.OperatorHost.StartAsync(options with { Identity = "second" }, secondLoggers);
        await _world.Kubectl.SucceedAsync($"apply -f {OperatorWorld.RepositoryPath("crds", "samples", "secretcluster.yaml")}");
        await OperatorWorld.EventuallyAsync(async () => await _world.GetAsync(KubeResources.Pods, "demo-0") is not null, "the leader reconciles");
        Assert.False(second.IsLeader);
        Assert.True(second.IsReady, "a standby reports ready");

        await first.StopAsync();

        await OperatorWorld.EventuallyAsync(() => Task.FromResult(second.IsLeader), "the standby takes over");
        var lease = await LeaseAsync();
        Assert.Equal("second", lease.Spec.HolderIdentity);
        Assert.Equal(1, lease.Spec.LeaseTransitions);
        await _world.Kubectl.SucceedAsync("delete pod demo-0");
        try
        {
            await OperatorWorld.EventuallyAsync(async () => await _world.GetAsync(KubeResources.Pods, "demo-0") is not null, "the new leader re-creates what was deleted");
        }
        catch (Xunit.Sdk.XunitException e)
        {
            Assert.Fail(e.Message + Logs());
        }
    }

    [Fact]
    public async Task Leader_whose_lease_is_taken_stops_on_its_own_and_says_why()
    {
        var options = _world.Options() with
        {
            LeaderElect = true,
            LeaseNamespace = "default",
            Identity = "first",
            LeaseDuration = TimeSpan.FromSeconds(30),
            RenewDeadline = TimeSpan.FromSeconds(1),
            RetryPeriod = TimeSpan.FromMilliseconds(200),
        };
        await using var first = await Operator.Hosting.OperatorHost.StartAsync(options);
        await OperatorWorld.EventuallyAsync(() => Task.FromResult(first.IsLeader), "the replica leads");
        // The leader renews every 200 ms, so a read-then-replace can lose the race (409): retry as a real usurper would.
        await OperatorWorld.EventuallyAsync(async () =>
        {
            var lease = await LeaseAsync();
            lease.Spec.HolderIdentity = "usurper";
            lease.Spec.RenewTime = DateTime.UtcNow;
            try
            {
                await _world.Api.Client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, "secretfleet-operator", "default");
                return true;
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
            {
                return false;
            }
        }, "the lease is taken over");

        var lost = await Assert.ThrowsAnyAsync<Exception>(() => first.Completion.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal("LeadershipLostException", lost.GetType().Name);
        Assert.StartsWith("Lost the leader lease default/secretfleet-operator", lost.Message);
        Assert.False(first.IsReady);
    }

    private Task<k8s.Models.V1Lease> LeaseAsync() =>
        _world.Api.Client.CoordinationV1.ReadNamespacedLeaseAsync("secretfleet-operator", "default");

    private static Process Start(params string[] args) => Start(new Dictionary<string, string>(), args);

    private static Process Start(Dictionary<string, string> environment, params string[] args)
    {
        var binary = Path.Combine(AppContext.BaseDirectory, "secretfleet-operator.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        start.ArgumentList.Add(binary);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
    }

    private static async Task<string> ReadLineAsync(Process process, string prefix)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await process.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return line;
            }
        }

        Assert.Fail($"The operator exited ({process.ExitCode}) before printing '{prefix}': {await process.StandardError.ReadToEndAsync()}");
        return "";
    }

    private static void Signal(Process process, string signal)
    {
        using var kill = Process.Start("kill", $"-{signal} {process.Id}");
        kill.WaitForExit();
    }
}
