using System.Globalization;
using SecretFleet.Cli.Output;
using Spectre.Console;

namespace SecretFleet.Cli.Commands.Status;

/// <summary>Asks every node for its health and epoch and shows them with the fleet's schedule.</summary>
internal sealed class FleetStatus(CommandContext context)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await using var target = await context.OpenTargetAsync(cancellationToken).ConfigureAwait(false);
        using var client = target.CreateClient();
        var nodes = await client.StatusAsync(cancellationToken).ConfigureAwait(false);
        var times = await target.RefreshTimesAsync(cancellationToken).ConfigureAwait(false);
        var report = StatusReport.Build(target.Description, target.Kind, target.View, nodes, times, target.MetricsUrl);
        Render(context.Output, report, context.Host.Time.GetUtcNow());
        return ExitCodes.Ok;
    }

    internal static void Render(CliOutput output, StatusReport report, DateTimeOffset now)
    {
        if (output.IsJson)
        {
            output.WriteJson(report);
            return;
        }
        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow("Fleet", Markup.Escape(report.Target));
        grid.AddRow("Nodes", $"{report.HealthyNodes} of {report.Replicas} healthy, any {report.Threshold} recover a secret{(report.Available ? "" : " [red](not enough healthy nodes)[/]")}");
        grid.AddRow("Epoch", report.Epoch?.ToString(CultureInfo.InvariantCulture) ?? "unknown");
        grid.AddRow("Last refresh", Markup.Escape(When(report.LastRefresh, now, "never")));
        grid.AddRow("Next refresh", Markup.Escape(When(report.NextRefresh, now, "not scheduled") + (report.Schedule is { } s ? $" ({s})" : "")));
        if (report.Note is { } note)
        {
            grid.AddRow("Note", $"[yellow]{Markup.Escape(note)}[/]");
        }
        output.Human.Write(grid);
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn("NODE").AddColumn("ENDPOINT").AddColumn("HEALTHY").AddColumn("EPOCH").AddColumn("SECRETS").AddColumn("METRICS").AddColumn("DETAIL");
        foreach (var node in report.Nodes)
        {
            table.AddRow(
                $"node-{node.Ordinal}",
                Markup.Escape(node.Endpoint),
                node.Healthy ? "[green]yes[/]" : "[red]no[/]",
                node.Epoch?.ToString(CultureInfo.InvariantCulture) ?? "-",
                node.Secrets?.ToString(CultureInfo.InvariantCulture) ?? "-",
                Markup.Escape(node.MetricsUrl ?? "-"),
                Markup.Escape(Detail(node)));
        }
        output.Human.Write(table);
    }

    private static string Detail(NodeReport node) => node switch
    {
        { Error: { } error } => error.Length > 80 ? error[..77] + "..." : error,
        { Healthy: true, Member: false } => "not a member yet (shares being rebuilt)",
        { Operation: { } operation } when !operation.EndsWith(" committed", StringComparison.Ordinal) && !operation.EndsWith(" aborted", StringComparison.Ordinal) => operation,
        _ => "",
    };

    internal static string When(DateTimeOffset? time, DateTimeOffset now, string none)
    {
        if (time is not { } t)
        {
            return none;
        }
        var delta = t - now;
        var magnitude = delta.Duration();
        var span = magnitude.TotalSeconds < 90 ? $"{magnitude.TotalSeconds:0}s"
            : magnitude.TotalMinutes < 90 ? $"{magnitude.TotalMinutes:0}m"
            : magnitude.TotalHours < 48 ? $"{magnitude.TotalHours:0}h"
            : $"{magnitude.TotalDays:0}d";
        var relative = delta < TimeSpan.Zero ? $"{span} ago" : $"in {span}";
        return $"{t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)} ({relative})";
    }
}
