using SecretFleet.Cli.Commands;
using SecretFleet.Cli.Local;

namespace SecretFleet.Cli.Tests.Local;

[Trait("Category", "Unit")]
public sealed class RefreshLockTests
{
    [Fact]
    public void Only_one_holder_at_a_time_and_released_on_dispose()
    {
        using var dir = new TempDirectory();

        using (var first = RefreshLock.TryAcquire(dir.Path))
        {
            Assert.NotNull(first);
            Assert.Null(RefreshLock.TryAcquire(dir.Path));
        }

        using var again = RefreshLock.TryAcquire(dir.Path);
        Assert.NotNull(again);
    }

    [Fact]
    public async Task Waiting_is_announced_once_and_gives_up_with_what_to_do()
    {
        using var dir = new TempDirectory();
        using var held = RefreshLock.TryAcquire(dir.Path);
        var announced = 0;

        var error = await Assert.ThrowsAsync<CliException>(() =>
            RefreshLock.AcquireAsync(dir.Path, TimeSpan.FromMilliseconds(500), () => announced++, TimeProvider.System, CancellationToken.None));

        Assert.Equal(1, announced);
        Assert.Contains("try again", error.Message);
    }
}
