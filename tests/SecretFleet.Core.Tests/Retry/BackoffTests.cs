using SecretFleet.Core.Retry;

namespace SecretFleet.Core.Tests.Retry;

[Trait("Category", "Unit")]
public sealed class BackoffTests
{
    [Fact]
    public void Delays_double_from_the_first_and_stop_at_the_cap()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));

        Assert.Equal([1, 2, 4, 8, 10, 10], Enumerable.Range(1, 6).Select(f => backoff.Delay(f).TotalSeconds));
        Assert.Equal(TimeSpan.FromSeconds(10), backoff.Delay(int.MaxValue));
    }

    [Fact]
    public void Jitter_only_shortens_and_never_by_more_than_its_fraction()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(4), jitter: 0.5);

        var delays = Enumerable.Range(0, 500).Select(_ => backoff.Delay(3)).ToList();

        Assert.All(delays, d => Assert.InRange(d, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)));
        Assert.True(delays.Distinct().Count() > 1, "jittered delays were all equal");
    }

    [Theory]
    [InlineData(0, 10, 0)]
    [InlineData(5, 1, 0)]
    [InlineData(1, 10, 1.5)]
    [InlineData(1, 10, -0.1)]
    public void Settings_that_describe_no_sensible_backoff_are_refused(int initialSeconds, int maxSeconds, double jitter) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new Backoff(TimeSpan.FromSeconds(initialSeconds), TimeSpan.FromSeconds(maxSeconds), jitter));
}
