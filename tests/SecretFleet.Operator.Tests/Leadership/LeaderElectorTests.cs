using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using SecretFleet.Operator.Leadership;
using SecretFleet.Operator.Tests.Support;

namespace SecretFleet.Operator.Tests.Leadership;

/// <summary>
/// Our use of k8s.LeaderElection: leading runs the work, a clean stop releases the lease, a lost lease stops the
/// work and throws. The library runs on the real clock, so the timings are short; but the renew
/// deadline leaves a leader three seconds to renew, so a loaded CI machine does not lose the lease
/// for it.
/// </summary>
[Trait("Category", "Unit")]
public sealed class LeaderElectorTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(4);
    private readonly FakeLeaseServer _server = new();

    private LeaderElector Replica(string identity) => new(
        _server.Client(),
        new LeaderElectionSettings("secretfleet-operator", "ops", identity)
        {
            LeaseDuration = LeaseDuration,
            RenewDeadline = TimeSpan.FromSeconds(3),
            RetryPeriod = TimeSpan.FromMilliseconds(100),
        },
        NullLogger.Instance);

    [Fact]
    public async Task Takes_a_free_lease_leads_and_releases_it_on_stop()
    {
        var elector = Replica("replica-a");
        var work = new Work();
        using var stop = new CancellationTokenSource();
        var run = elector.RunAsync(work.RunAsync, stop.Token);

        await work.Leading.WaitAsync(Wait);

        Assert.True(elector.IsLeader);
        Assert.Equal(("replica-a", (int)LeaseDuration.TotalSeconds), (_server.Holder, (int?)_server.Lease!["spec"]!["leaseDurationSeconds"]));
        await stop.CancelAsync();
        await run.WaitAsync(Wait);
        Assert.True(work.Token.IsCancellationRequested);
        Assert.False(elector.IsLeader);
        Assert.Equal(("", 1), (_server.Holder, (int?)_server.Lease!["spec"]!["leaseDurationSeconds"]));
    }

    [Fact]
    public async Task A_standby_waits_while_the_leader_renews_and_takes_over_once_it_stops()
    {
        var first = new Work();
        var second = new Work();
        using var stopFirst = new CancellationTokenSource();
        using var stopSecond = new CancellationTokenSource();
        var runFirst = Replica("replica-a").RunAsync(first.RunAsync, stopFirst.Token);
        await first.Leading.WaitAsync(Wait);
        var runSecond = Replica("replica-b").RunAsync(second.RunAsync, stopSecond.Token);

        // Twice the lease duration: the leader keeps renewing, so the standby never leads.
        await Task.Delay(2 * LeaseDuration);
        Assert.False(second.Leading.IsCompleted);

        await stopFirst.CancelAsync();
        await runFirst.WaitAsync(Wait);
        await second.Leading.WaitAsync(Wait);
        Assert.Equal(("replica-b", 1), (_server.Holder, (int?)_server.Lease!["spec"]!["leaseTransitions"]));
        await stopSecond.CancelAsync();
        await runSecond.WaitAsync(Wait);
    }

    [Fact]
    public async Task Failing_to_renew_past_the_deadline_stops_the_work_and_throws()
    {
        var elector = Replica("replica-a");
        var work = new Work();
        var run = elector.RunAsync(work.RunAsync, CancellationToken.None);
        await work.Leading.WaitAsync(Wait);

        _server.FailWhen = _ => HttpStatusCode.ServiceUnavailable;

        var lost = await Assert.ThrowsAsync<LeadershipLostException>(() => run.WaitAsync(Wait));
        Assert.Contains("ops/secretfleet-operator", lost.Message, StringComparison.Ordinal);
        Assert.True(work.Token.IsCancellationRequested);
        Assert.False(elector.IsLeader);
    }

    [Fact]
    public async Task A_lease_taken_by_another_replica_stops_the_work_and_throws()
    {
        var elector = Replica("replica-a");
        var work = new Work();
        var run = elector.RunAsync(work.RunAsync, CancellationToken.None);
        await work.Leading.WaitAsync(Wait);

        _server.Edit(lease => lease["spec"]!["holderIdentity"] = "usurper");

        await Assert.ThrowsAsync<LeadershipLostException>(() => run.WaitAsync(Wait));
        Assert.True(work.Token.IsCancellationRequested);
        Assert.Equal("usurper", _server.Holder);
    }

    private sealed class Work
    {
        private readonly TaskCompletionSource _leading = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Leading => _leading.Task;

        public CancellationToken Token { get; private set; }

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            Token = cancellationToken;
            _leading.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
