using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using SecretFleet.Kube.Schema;

namespace SecretFleet.Kube.SecretClusters;

[CelValidation("(has(self.schedule) && !has(self.interval)) || (!has(self.schedule) && has(self.interval))", "set exactly one of refresh.schedule and refresh.interval")]
public sealed record RefreshSpec
{
    [Description("Five-field cron schedule in UTC (minute hour day-of-month month day-of-week), e.g. \"0 3 * * *\".")]
    [RegularExpression(@"^\S+(\s+\S+){4}$")]
    [MaxLength(128)]
    public string? Schedule { get; init; }

    [Description("Time between refreshes as a Go duration, e.g. \"10m\" or \"1h30m\".")]
    [RegularExpression(@"^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$")]
    [MaxLength(64)]
    public string? Interval { get; init; }
}
