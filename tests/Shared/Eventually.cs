namespace SecretFleet.Tests.Shared;

/// <summary>Waits for a condition another thread makes true, with a deadline instead of a fixed sleep.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string what, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (DateTime.UtcNow > until)
            {
                Assert.Fail($"Timed out waiting until {what}.");
            }

            await Task.Delay(2);
        }
    }
}
