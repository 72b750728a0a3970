using System.Globalization;
using k8s.Models;
using SecretFleet.Core.Scheduling;
using SecretFleet.Kube;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Operator.Epochs;

/// <summary>Why a refresh is due.</summary>
internal enum RefreshTrigger
{
    None,

    /// <summary>The schedule (cron or interval) came around.</summary>
    Schedule,

    /// <summary>The refresh-requested-at annotation is newer than the last refresh.</summary>
    Requested,
}

/// <summary>Whether a SecretCluster's refresh is due now, and when the next one is.</summary>
/// <param name="Trigger">Why it is due; <see cref="RefreshTrigger.None"/> when it is not.</param>
/// <param name="NextRefresh">When the schedule next comes around (in the past while an overdue refresh waits).</param>
/// <param name="RequestedAt">The annotation value being honoured, when <paramref name="Trigger"/> is Requested.</param>
/// <param name="ScheduleError">Why <c>spec.refresh</c> could not be used; no refresh is ever due then.</param>
internal sealed record RefreshPlan(RefreshTrigger Trigger, DateTimeOffset? NextRefresh, string? RequestedAt, string? ScheduleError)
{
    public bool Due => Trigger != RefreshTrigger.None;
}

/// <summary>Pure scheduling decisions: the schedule from spec.refresh, the last refresh from status, the request annotation.</summary>
internal static class RefreshPlanner
{
    /// <param name="cluster">The SecretCluster as read now.</param>
    /// <param name="now">The operator's clock.</param>
    /// <param name="handledRequest">An annotation value a refresh already honoured (kept by the operator), never honoured twice.</param>
    public static RefreshPlan Plan(SecretCluster cluster, DateTimeOffset now, string? handledRequest = null)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        RefreshSchedule schedule;
        try
        {
            schedule = RefreshSchedule.Parse(cluster.Spec.Refresh.Schedule, cluster.Spec.Refresh.Interval);
        }
        catch (ScheduleFormatException e)
        {
            return new RefreshPlan(RefreshTrigger.None, null, null, $"spec.refresh: {e.Message}");
        }

        // Shares exist only once the fleet formed (status.epoch set); there is nothing to refresh before.
        if (cluster.Status?.Epoch is null)
        {
            return new RefreshPlan(RefreshTrigger.None, null, null, null);
        }

        var last = cluster.Status.LastRefreshTime ?? (DateTimeOffset?)cluster.Metadata.CreationTimestamp ?? now;
        var next = NextAfter(schedule, last);
        var requested = cluster.GetAnnotation(LabelsAndAnnotations.RefreshRequestedAt);
        if (requested is not null && requested != handledRequest && ParseTime(requested) is { } requestedAt
            && (cluster.Status.LastRefreshTime is not { } lastRefresh || requestedAt > lastRefresh))
        {
            return new RefreshPlan(RefreshTrigger.Requested, next, requested, null);
        }

        return new RefreshPlan(next is { } due && due <= now ? RefreshTrigger.Schedule : RefreshTrigger.None, next, null, null);
    }

    /// <summary>The schedule's next time after <paramref name="last"/>, whole seconds (status times have no fraction).</summary>
    private static DateTimeOffset? NextAfter(RefreshSchedule schedule, DateTimeOffset last)
    {
        DateTimeOffset? next = schedule.Interval is { } interval
            ? last + interval
            : schedule.Cron!.GetNextOccurrence(last);
        return next is { } time ? new DateTimeOffset(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero) : null;
    }

    /// <summary>RFC 3339, as the CLI writes it; anything else is ignored (and named in the status by the caller).</summary>
    public static DateTimeOffset? ParseTime(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : null;
}
