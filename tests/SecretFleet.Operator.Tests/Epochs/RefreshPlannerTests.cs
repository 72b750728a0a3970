using SecretFleet.Kube;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.Operator.Epochs;
using SecretFleet.Operator.Tests.Support;

namespace SecretFleet.Operator.Tests.Epochs;

[Trait("Category", "Unit")]
public sealed class RefreshPlannerTests
{
    private static readonly DateTimeOffset LastRefresh = new(2026, 11, 20, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Interval_is_due_once_it_has_passed_since_the_last_refresh()
    {
        var cluster = Cluster(interval: "1h");

        var before = RefreshPlanner.Plan(cluster, LastRefresh.AddMinutes(59));
        var after = RefreshPlanner.Plan(cluster, LastRefresh.AddMinutes(60));

        Assert.False(before.Due);
        Assert.Equal(LastRefresh.AddHours(1), before.NextRefresh);
        Assert.Equal(RefreshTrigger.Schedule, after.Trigger);
    }

    [Fact]
    public void Cron_is_due_at_its_next_occurrence_after_the_last_refresh()
    {
        var cluster = Cluster(schedule: "30 4 * * *");

        Assert.False(RefreshPlanner.Plan(cluster, LastRefresh.AddMinutes(89)).Due);
        var due = RefreshPlanner.Plan(cluster, LastRefresh.AddMinutes(90));
        Assert.True(due.Due);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 4, 30, 0, TimeSpan.Zero), due.NextRefresh);
    }

    [Fact]
    public void A_request_newer_than_the_last_refresh_makes_it_due_now()
    {
        var cluster = Annotated(Cluster(interval: "24h"), "2026-11-20T03:05:00Z");

        var plan = RefreshPlanner.Plan(cluster, LastRefresh.AddMinutes(6));

        Assert.Equal(RefreshTrigger.Requested, plan.Trigger);
        Assert.Equal("2026-11-20T03:05:00Z", plan.RequestedAt);
    }

    [Fact]
    public void A_request_older_than_the_last_refresh_or_already_honoured_is_not_due()
    {
        var old = Annotated(Cluster(interval: "24h"), "2026-11-20T02:00:00Z");
        var recent = Annotated(Cluster(interval: "24h"), "2026-11-20T03:05:00Z");

        Assert.False(RefreshPlanner.Plan(old, LastRefresh.AddMinutes(6)).Due);
        Assert.False(RefreshPlanner.Plan(recent, LastRefresh.AddMinutes(6), handledRequest: "2026-11-20T03:05:00Z").Due);
    }

    [Fact]
    public void A_request_that_is_not_a_time_is_ignored()
    {
        Assert.False(RefreshPlanner.Plan(Annotated(Cluster(interval: "24h"), "now please"), LastRefresh.AddMinutes(6)).Due);
    }

    [Fact]
    public void Nothing_is_due_before_the_fleet_formed()
    {
        var cluster = Annotated(Cluster(interval: "10m"), "2026-11-20T03:05:00Z") with { Status = null };

        var plan = RefreshPlanner.Plan(cluster, LastRefresh.AddDays(1));

        Assert.False(plan.Due);
        Assert.Null(plan.NextRefresh);
    }

    [Fact]
    public void The_first_refresh_counts_from_the_creation_time()
    {
        var cluster = Cluster(interval: "10m") with { Status = new SecretClusterStatus { Epoch = 0 } };

        var plan = RefreshPlanner.Plan(cluster, TestClusters.Created.AddMinutes(5));

        Assert.Equal(TestClusters.Created.AddMinutes(10), plan.NextRefresh);
    }

    [Fact]
    public void A_schedule_that_never_fires_is_an_error_and_never_due()
    {
        var plan = RefreshPlanner.Plan(Cluster(schedule: "0 0 30 2 *"), LastRefresh.AddYears(2));

        Assert.False(plan.Due);
        Assert.Contains("never fires", plan.ScheduleError);
    }

    private static SecretCluster Cluster(string? schedule = null, string? interval = null)
    {
        var demo = TestClusters.Demo();
        return demo with
        {
            Spec = demo.Spec with { Refresh = new RefreshSpec { Schedule = schedule, Interval = interval } },
            Status = new SecretClusterStatus { Epoch = 7, LastRefreshTime = LastRefresh },
        };
    }

    private static SecretCluster Annotated(SecretCluster cluster, string value) =>
        cluster with { Metadata = cluster.Metadata with { Annotations = new Dictionary<string, string> { [LabelsAndAnnotations.RefreshRequestedAt] = value } } };
}
