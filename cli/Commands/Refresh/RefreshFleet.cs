using System.Globalization;
using SecretFleet.Cli.Output;
using SecretFleet.Cli.Targets;
using Spectre.Console;

namespace SecretFleet.Cli.Commands.Refresh;

/// <summary>Starts (and, locally or with --wait, follows) a refresh; a progress bar on a terminal, phase lines otherwise.</summary>
internal sealed class RefreshFleet(CommandContext context)
{
    public async Task<int> RunAsync(bool wait, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (timeout <= TimeSpan.Zero)
        {
            throw CliException.Usage("--timeout must be positive, e.g. 10m.");
        }
        await using var target = await context.OpenTargetAsync(cancellationToken).ConfigureAwait(false);
        var request = new RefreshRequest(wait, timeout, () => context.Host.Console.Error.WriteLine("Another refresh of this fleet is running (the background coordinator); waiting for it to finish ..."));
        var output = context.Output;
        RefreshReport report;
        if (output.IsJson || !(wait || target.Kind == "local"))
        {
            report = await target.RefreshAsync(request, null, cancellationToken).ConfigureAwait(false);
        }
        else if (output.ErrorConsole.Profile.Capabilities.Interactive)
        {
            report = await output.ErrorConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async progress =>
                {
                    var bar = progress.AddTask("refresh: starting", maxValue: 1);
                    var result = await target.RefreshAsync(request, new SyncProgress<RefreshProgress>(p => Advance(bar, p)), cancellationToken).ConfigureAwait(false);
                    bar.Value = bar.MaxValue;
                    return result;
                }).ConfigureAwait(false);
        }
        else
        {
            string? phase = null;
            report = await target.RefreshAsync(request, new SyncProgress<RefreshProgress>(p =>
            {
                if (p.Phase != phase)
                {
                    phase = p.Phase;
                    output.Console.Error.WriteLine($"refresh: {p.Phase}");
                }
            }), cancellationToken).ConfigureAwait(false);
        }
        return Render(output, target.Description, report);
    }

    private static void Advance(ProgressTask bar, RefreshProgress progress)
    {
        bar.Description = $"refresh: {progress.Phase}";
        if (progress.Total > 0)
        {
            bar.MaxValue = progress.Total;
            bar.Value = Math.Min(progress.Done, progress.Total);
        }
    }

    internal static int Render(CliOutput output, string target, RefreshReport report)
    {
        if (output.IsJson)
        {
            output.WriteJson(new RefreshJson(target, report.Completed, report.Committed, report.OperationId, report.EpochBefore, report.EpochAfter,
                report.Reason, report.SharesRefreshed, report.Duration?.TotalSeconds, report.RequestedAt));
        }
        if (!report.Completed)
        {
            output.Line($"Refresh of {target} requested at {report.RequestedAt?.UtcDateTime.ToString("u", CultureInfo.InvariantCulture)}; the operator runs it (pass --wait to follow it, or watch `kubectl secrets status`).");
            return ExitCodes.Ok;
        }
        if (!report.Committed)
        {
            output.Error($"Refresh {report.OperationId} of {target} aborted ({report.Reason ?? "no reason given"}); every share stays at epoch {report.EpochBefore}, retry when the cause is fixed.");
            return ExitCodes.Other;
        }
        var shares = report.SharesRefreshed > 0 ? $", {report.SharesRefreshed} secret version{(report.SharesRefreshed == 1 ? "" : "s")} re-randomized" : "";
        var took = report.Duration is { } d ? $" in {d.TotalSeconds:0.00} s" : "";
        output.Line($"Refreshed {target}: epoch {report.EpochBefore} -> {report.EpochAfter}{shares}{took} ({report.OperationId}).");
        return ExitCodes.Ok;
    }

    private sealed record RefreshJson(
        string Target, bool Completed, bool Committed, string? OperationId, ulong? EpochBefore, ulong? EpochAfter,
        string? Reason, long SharesRefreshed, double? DurationSeconds, DateTimeOffset? RequestedAt);
}
