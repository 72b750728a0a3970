using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using SecretFleet.Kube;
using SecretFleet.Kube.Models;
using SecretFleet.Operator.Leadership;
using SecretFleet.Operator.Tests.Support;

namespace SecretFleet.Operator.Tests.Leadership;

[Trait("Category", "Unit")]
public sealed class LeaderElectorTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);
    private readonly ManualTimeProvider _time = new(Start);
    private readonly FakeKubeApi _api;
    private readonly LeaderElector _elector;
    private readonly TaskCompletionSource _leading = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationToken _leadingToken;

    public LeaderElectorTests()
    {
        _api = new FakeKubeApi(_time);
        _elector = new LeaderElector(_api, new LeaderElectionSettings("secretfleet-operator", "ops", "replica-a"), _time, NullLogger.Instance);
    }

    [Fact]
    public async Task Takes_a_free_lease_leads_and_releases_it_on_stop()
    {
        using var stop = new CancellationTokenSource();
        var run = _elector.RunAsync(Work, stop.Token);

        await _leading.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(_elector.IsLeader);
        var lease = Lease();
        Assert.Equal(("replica-a", 15, 0), (lease.Spec.HolderIdentity, lease.Spec.LeaseDurationSeconds, lease.Spec.LeaseTransitions));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(_leadingToken.IsCancellationRequested);
        Assert.False(_elector.IsLeader);
        Assert.Equal(("", 1), (Lease().Spec.HolderIdentity, Lease().Spec.LeaseDurationSeconds));
    }

    [Fact]
    public async Task Waits_while_another_replica_renews_and_takes_over_once_it_stops()
    {
        _api.Seed(new Lease { Metadata = new ObjectMeta { Name = "secretfleet-operator", Namespace = "ops" }, Spec = Held("replica-b", Start, transitions: 3) });
        using var stop = new CancellationTokenSource();
        var run = _elector.RunAsync(Work, stop.Token);
        await AttemptedAsync(1);

        // replica-b keeps renewing for 30 s: replica-a never leads.
        for (var i = 1; i <= 15; i++)
        {
            var lease = Lease();
            await _api.ReplaceAsync(lease with { Spec = lease.Spec with { RenewTime = _time.GetUtcNow() } }, CancellationToken.None);
            await TickAsync();
        }

        Assert.False(_leading.Task.IsCompleted);

        // replica-b goes silent: after a lease duration seen unchanged, replica-a takes over.
        for (var i = 0; i < 8 && !_leading.Task.IsCompleted; i++)
        {
            await TickAsync();
        }

        await _leading.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(("replica-a", 4), (Lease().Spec.HolderIdentity, Lease().Spec.LeaseTransitions));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Failing_to_renew_past_the_deadline_stops_the_work_and_throws()
    {
        using var stop = new CancellationTokenSource();
        var run = _elector.RunAsync(Work, stop.Token);
        await _leading.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await AttemptedAsync(1);
        _api.FailWhen = c => c.Resource == KubeResources.Leases
            ? FakeKubeApi.Error(HttpStatusCode.ServiceUnavailable, "ServiceUnavailable", "etcd is down")
            : null;

        for (var i = 0; i < 4; i++)
        {
            await TickAsync();
            Assert.False(run.IsCompleted, $"stepped down after {i + 1} failed renewals, before the 10 s deadline");
        }

        _time.Advance(TimeSpan.FromSeconds(2));

        var lost = await Assert.ThrowsAsync<LeadershipLostException>(() => run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("ops/secretfleet-operator", lost.Message);
        Assert.True(_leadingToken.IsCancellationRequested);
        Assert.False(_elector.IsLeader);
    }

    [Fact]
    public async Task A_conflicting_write_means_another_replica_won_the_round()
    {
        _api.FailWhen = c => c.Verb == "create" ? FakeKubeApi.Error(HttpStatusCode.Conflict, "AlreadyExists", "leases \"secretfleet-operator\" already exists") : null;

        Assert.False(await _elector.TryAcquireOrRenewAsync(CancellationToken.None));
    }

    private async Task Work(CancellationToken cancellationToken)
    {
        _leadingToken = cancellationToken;
        _leading.TrySetResult();
        await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private static LeaseSpec Held(string holder, DateTimeOffset renewed, int transitions) =>
        new() { HolderIdentity = holder, LeaseDurationSeconds = 15, AcquireTime = renewed, RenewTime = renewed, LeaseTransitions = transitions };

    private Lease Lease() => _api.GetAsync<Lease>("ops", "secretfleet-operator", CancellationToken.None).Result!;

    private int LeaseGets => _api.Calls.Count(c => c.Resource == KubeResources.Leases && c.Verb == "get");

    /// <summary>Waits until the elector made <paramref name="attempts"/> attempts and sleeps on its retry timer.</summary>
    private Task AttemptedAsync(int attempts) =>
        Eventually.TrueAsync(() => LeaseGets >= attempts && _time.ActiveTimers == 1, $"{attempts} lease attempts");

    /// <summary>One retry period later, after the elector's next attempt.</summary>
    private async Task TickAsync()
    {
        var before = LeaseGets;
        _time.Advance(TimeSpan.FromSeconds(2));
        await AttemptedAsync(before + 1);
    }
}
