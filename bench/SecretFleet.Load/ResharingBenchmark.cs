using System.Diagnostics;
using System.Globalization;
using SecretFleet.Core.Client;
using SecretFleet.Core.Epochs;
using SecretFleet.Node.Tests.Support;

namespace SecretFleet.Load;

/// <summary>
/// Resharing next to a refresh of the same secrets in one run (issue 17's target: within 1.5× of the
/// refresh): N 32-byte secrets seeded into an (n, t) fleet, a warm-up refresh, a measured refresh,
/// then one resharing to (n', t') (new nodes started first); a sample of secrets is recovered with
/// the new shape afterwards. With load, writers and readers run through the resharing on a
/// <see cref="FollowingClient"/> (which waits while nodes refuse writes, then follows the new shape),
/// and every write it acknowledged is recovered from the new committee.
/// </summary>
internal static class ResharingBenchmark
{
    public const string Header = """
        | from | to | secrets | refresh s (warm) | resharing s | resharing / refresh | refresh s, new shape | peak RSS per node MB (max) | peer MB sent: refresh / resharing | load: writers + readers | stores acknowledged | of them within the resharing | failed ops | longest store s |
        |---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
        """;

    public static async Task<string> RunAsync(int nodes, int threshold, int newNodes, int newThreshold, int secrets, int writers)
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
        var beforeRefresh = (await RefreshBenchmark.SentBytesAsync(fleet, nodes)).Sum();
        var refreshSeconds = await RefreshBenchmark.RefreshAsync(coordinator, fleet);
        var refreshBytes = (await RefreshBenchmark.SentBytesAsync(fleet, nodes)).Sum() - beforeRefresh;

        var oldView = fleet.View;
        await fleet.GrowAsync(Math.Max(nodes, newNodes));
        var committee = fleet.View.Members.Where(m => m.X <= newNodes).ToArray();
        // The coordinator's connections must reach the new nodes too.
        using var allOperations = fleet.Operations();
        var resharing = fleet.Coordinator(allOperations, new CoordinatorOptions { PollInterval = TimeSpan.FromMilliseconds(100), FinishTimeout = TimeSpan.FromSeconds(30) });
        var shape = fleet.ClientOptions("bench") with { Nodes = oldView.Members, Threshold = threshold };
        using var client = new FollowingClient(_ => Task.FromResult(Volatile.Read(ref shape)), TimeSpan.FromMinutes(30));
        var load = writers > 0 ? ResharingLoad.Start(client, samples, writers, Math.Max(1, writers / 2)) : null;
        var beforeResharing = (await RefreshBenchmark.SentBytesAsync(fleet, Math.Max(nodes, newNodes))).Sum();
        var began = Stopwatch.GetTimestamp();
        var outcome = await resharing.ReshareAsync(oldView, committee, newThreshold, null, default);
        var ended = Stopwatch.GetTimestamp();
        var reshareSeconds = Stopwatch.GetElapsedTime(began, ended).TotalSeconds;
        // Nodes that left are still running here (the benchmark stops nothing before it reads them).
        var resharingBytes = (await RefreshBenchmark.SentBytesAsync(fleet, Math.Max(nodes, newNodes))).Sum() - beforeResharing;
        if (!outcome.Committed)
        {
            throw new InvalidOperationException($"The resharing aborted: {outcome.Reason}");
        }
        foreach (var x in Enumerable.Range(1, Math.Max(nodes, newNodes)).Select(x => (byte)x))
        {
            foreach (var line in fleet[x].Output.Split('\n').Where(l => l.Contains(outcome.OperationId, StringComparison.Ordinal)))
            {
                Console.Error.WriteLine($"node x {x}: {line}");
            }
        }
        // What `local scale` and the operator do after a commit: publish the new shape.
        Volatile.Write(ref shape, shape with { Nodes = committee, Threshold = newThreshold });
        var loaded = "| – | – | – | – | – |";
        if (load is not null)
        {
            var (acknowledged, failed, longest, firstFailure) = await load.StopAfterAsync(3);
            await RefreshBenchmark.VerifyAsync(fleet.Client("bench", o => o with { Nodes = committee, Threshold = newThreshold }), load.Written.ToDictionary());
            Console.Error.WriteLine(firstFailure is null ? "no operation failed under load" : $"first failed operation: {firstFailure}");
            loaded = string.Create(CultureInfo.InvariantCulture, $"| {writers} + {Math.Max(1, writers / 2)} | {acknowledged:N0} | {load.AcknowledgedWithin(began, ended):N0} | {failed} | {longest:F1} |");
        }
        var rss = Enumerable.Range(1, Math.Max(nodes, newNodes)).Select(x => ProcessStats.PeakRssBytes(fleet[(byte)x].Pid)).Max();
        await RefreshBenchmark.VerifyAsync(fleet.Client("bench", o => o with { Nodes = committee, Threshold = newThreshold }), samples);
        // Growing adds processes to the two cores: a refresh of the new shape shows what that alone costs.
        var refreshAfterSeconds = await RefreshBenchmark.RefreshAsync(resharing, fleet, oldView with { Threshold = newThreshold, Members = committee });
        return string.Create(CultureInfo.InvariantCulture,
            $"| {threshold}-of-{nodes} | {newThreshold}-of-{newNodes} | {secrets:N0} | {refreshSeconds:F1} | {reshareSeconds:F1} | {reshareSeconds / refreshSeconds:F2} | {refreshAfterSeconds:F1} | {rss / 1e6:F0} | {refreshBytes / 1e6:F0} / {resharingBytes / 1e6:F0} {loaded}");
    }
}
