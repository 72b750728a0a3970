using System.Diagnostics;
using System.Globalization;
using SecretFleet.Core.Epochs;
using SecretFleet.Node.Tests.Support;

namespace SecretFleet.Load;

/// <summary>
/// Resharing next to a refresh of the same secrets in one run (issue 17's target: within 1.5× of the
/// refresh): N 32-byte secrets seeded into an (n, t) fleet, a warm-up refresh, a measured refresh,
/// then one resharing to (n', t') (new nodes started first); a sample of secrets is recovered with
/// the new shape afterwards.
/// </summary>
internal static class ResharingBenchmark
{
    public const string Header = """
        | from | to | secrets | refresh s (warm) | resharing s | resharing / refresh | peak RSS per node MB (max) |
        |---|---|---:|---:|---:|---:|---:|
        """;

    public static async Task<string> RunAsync(int nodes, int threshold, int newNodes, int newThreshold, int secrets)
    {
        await using var fleet = await ProcessFleet.StartAsync(nodes, threshold);
        for (byte x = 1; x <= nodes; x++)
        {
            await fleet.StopNodeAsync(x, crash: false);
        }
        var samples = await RefreshBenchmark.SeedAsync(fleet, nodes, threshold, secrets);
        for (byte x = 1; x <= nodes; x++)
        {
            await fleet.StartNodeAsync(x);
        }
        using var operations = fleet.Operations();
        var coordinator = fleet.Coordinator(operations, new CoordinatorOptions { PollInterval = TimeSpan.FromMilliseconds(100), FinishTimeout = TimeSpan.FromSeconds(30) });
        await RefreshBenchmark.RefreshAsync(coordinator, fleet);
        var refreshSeconds = await RefreshBenchmark.RefreshAsync(coordinator, fleet);

        var oldView = fleet.View;
        await fleet.GrowAsync(Math.Max(nodes, newNodes));
        var committee = fleet.View.Members.Where(m => m.X <= newNodes).ToArray();
        // The coordinator's connections must reach the new nodes too.
        using var allOperations = fleet.Operations();
        var resharing = fleet.Coordinator(allOperations, new CoordinatorOptions { PollInterval = TimeSpan.FromMilliseconds(100), FinishTimeout = TimeSpan.FromSeconds(30) });
        var watch = Stopwatch.StartNew();
        var outcome = await resharing.ReshareAsync(oldView, committee, newThreshold, null, default);
        var reshareSeconds = watch.Elapsed.TotalSeconds;
        if (!outcome.Committed)
        {
            throw new InvalidOperationException($"The resharing aborted: {outcome.Reason}");
        }
        var rss = Enumerable.Range(1, Math.Max(nodes, newNodes)).Select(x => ProcessStats.PeakRssBytes(fleet[(byte)x].Pid)).Max();
        await RefreshBenchmark.VerifyAsync(fleet.Client("bench", o => o with { Nodes = committee, Threshold = newThreshold }), samples);
        return string.Create(CultureInfo.InvariantCulture,
            $"| {threshold}-of-{nodes} | {newThreshold}-of-{newNodes} | {secrets:N0} | {refreshSeconds:F1} | {reshareSeconds:F1} | {reshareSeconds / refreshSeconds:F2} | {rss / 1e6:F0} |");
    }
}
