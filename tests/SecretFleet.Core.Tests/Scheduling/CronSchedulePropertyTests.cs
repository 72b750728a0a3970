using FsCheck;
using FsCheck.Fluent;
using SecretFleet.Core.Scheduling;

namespace SecretFleet.Core.Tests.Scheduling;

[Trait("Category", "Unit")]
public sealed class CronSchedulePropertyTests
{
    private const int HorizonDays = 366 * 12;

    private static readonly Gen<DateTimeOffset> Instants =
        from days in Gen.Choose(0, 366 * 40)
        from minute in Gen.Choose(0, (24 * 60) - 1)
        from millis in Gen.Elements(0, 0, 1, 59_999, 30_000)
        select new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(days).AddMinutes(minute).AddMilliseconds(millis);

    [Fact]
    public void Fast_search_agrees_with_a_slow_scan_of_an_independent_model()
    {
        var cases = (from model in CronModel.Generator from after in Instants select (model, after)).ToArbitrary();
        var property = Prop.ForAll(cases, c =>
        {
            var (model, after) = c;
            var fast = CronSchedule.Parse(model.Text).GetNextOccurrence(after);
            var slow = model.SlowNext(after, HorizonDays);
            var agrees = slow is not null
                ? fast == slow
                : fast is null || fast > after.AddDays(HorizonDays);
            return agrees.Label($"'{model.Text}' after {after:o}: fast {fast:o}, slow {slow:o}");
        });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), property);
    }

    [Fact]
    public void Next_occurrence_is_strictly_after_on_a_whole_minute_and_matches()
    {
        var cases = (from model in CronModel.Generator from after in Instants select (model, after)).ToArbitrary();
        var property = Prop.ForAll(cases, c =>
        {
            var (model, after) = c;
            var cron = CronSchedule.Parse(model.Text);
            var next = cron.GetNextOccurrence(after);
            var ok = next is null
                || (next > after && next.Value.Ticks % TimeSpan.TicksPerMinute == 0 && model.Matches(next.Value)
                    && next.Value.Offset == TimeSpan.Zero);
            return ok.Label($"'{model.Text}' after {after:o}: {next:o}");
        });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), property);
    }
}
