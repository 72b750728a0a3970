using SecretFleet.Cli.Local;

namespace SecretFleet.Cli.Tests.Local;

[Trait("Category", "Unit")]
public sealed class ProcessControlTests
{
    private const string Tail = " 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 424242 20 21";

    [Fact]
    public void Stat_parsing_reads_state_and_start_time_even_when_the_name_has_spaces_and_parentheses()
    {
        var parsed = ProcessControl.ParseStat("1234 (kubectl secrets (x)) S" + Tail);

        Assert.Equal(('S', 424242L), parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1234 (truncated")]
    [InlineData("1234 (short) S 1 2")]
    public void Malformed_stat_lines_are_not_processes(string stat)
    {
        Assert.Null(ProcessControl.ParseStat(stat));
    }

    [Fact]
    public void This_process_is_alive_and_a_wrong_start_time_is_not_it()
    {
        var me = ProcessControl.Describe(Environment.ProcessId);

        Assert.NotNull(me);
        Assert.True(ProcessControl.IsAlive(me));
        Assert.False(ProcessControl.IsAlive(me with { StartTicks = me.StartTicks + 1 }));
        Assert.False(ProcessControl.IsAlive(null));
    }
}
