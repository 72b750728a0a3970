namespace SecretFleet.Tests.Shared;

/// <summary>Waits for a condition another thread or process makes true, with a deadline instead of a fixed sleep.</summary>
public static class Eventually
{
    private static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(10);

    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? deadline = null) =>
        TrueAsync(() => Task.FromResult(condition()), what, deadline, TimeSpan.FromMilliseconds(2));

    /// <summary>For conditions that ask over the network: polled every <paramref name="pollEvery"/> (25 ms unless given).</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? deadline = null, TimeSpan? pollEvery = null)
    {
        var until = DateTime.UtcNow + (deadline ?? DefaultDeadline);
        while (!await condition().ConfigureAwait(false))
        {
            if (DateTime.UtcNow > until)
            {
                Assert.Fail($"Timed out waiting until {what}.");
            }

            await Task.Delay(pollEvery ?? TimeSpan.FromMilliseconds(25)).ConfigureAwait(false);
        }
    }
}
