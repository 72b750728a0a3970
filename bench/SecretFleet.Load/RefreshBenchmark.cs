using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using SecretFleet.Core.Client;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Identity;
using SecretFleet.Core.Sharing;
using SecretFleet.Node.Storage;
using SecretFleet.Node.Tests.Support;

namespace SecretFleet.Load;

/// <summary>
/// Refresh of N 32-byte secrets on a local fleet, and share recovery of one node holding them:
/// wall time, payload bytes each node served to peers, peak RSS and CPU time per node. Secrets
/// are seeded straight into each node's database (stopped) through the bulk import, so that a
/// million are set up without a million Puts; everything measured then goes through the real
/// processes.
/// </summary>
internal static class RefreshBenchmark
{
    private const int Samples = 200;

    public static async Task<string> RunAsync(int nodes, int threshold, int secrets)
    {
        await using var fleet = await ProcessFleet.StartAsync(nodes, threshold);
        for (byte x = 1; x <= nodes; x++)
        {
            await fleet.StopNodeAsync(x, crash: false);
        }
        var seedWatch = Stopwatch.StartNew();
        var samples = await SeedAsync(fleet, nodes, threshold, secrets);
        Console.Error.WriteLine($"seeded {secrets} secrets on {nodes} nodes in {seedWatch.Elapsed.TotalSeconds:F1} s");
        for (byte x = 1; x <= nodes; x++)
        {
            await fleet.StartNodeAsync(x);
        }

        using var operations = fleet.Operations();
        var coordinator = fleet.Coordinator(operations, new CoordinatorOptions { PollInterval = TimeSpan.FromMilliseconds(100), FinishTimeout = TimeSpan.FromSeconds(30) });
        var sentBefore = await SentBytesAsync(fleet, nodes);
        var refreshSeconds = await RefreshAsync(coordinator, fleet);
        var sentAfter = await SentBytesAsync(fleet, nodes);
        // A fleet runs for days: the first refresh after start also pays for compiling the hot
        // paths; the second shows what every later refresh costs.
        var warmSeconds = await RefreshAsync(coordinator, fleet);
        var rss = Enumerable.Range(1, nodes).Select(x => ProcessStats.PeakRssBytes(fleet[(byte)x].Pid)).ToArray();
        var cpu = Enumerable.Range(1, nodes).Select(x => ProcessStats.CpuSeconds(fleet[(byte)x].Pid)).ToArray();
        await VerifyAsync(fleet.Client("bench"), samples);
        // The first refresh above is also the first ever on these databases (their files grow
        // into pages never written). A node restarted later, say for an upgrade, compiles its hot
        // paths again but finds its pages: the refresh after a restart of every node shows that.
        for (byte x = 1; x <= nodes; x++)
        {
            await fleet.StopNodeAsync(x, crash: false);
            await fleet.StartNodeAsync(x);
        }
        var afterRestartSeconds = await RefreshAsync(coordinator, fleet);

        await fleet.StopNodeAsync(2, crash: false);
        Directory.Delete(fleet.DataDirectory(2), recursive: true);
        await fleet.StartNodeAsync(2);
        var recoveryWatch = Stopwatch.StartNew();
        var recovery = await coordinator.RecoverAsync(fleet.View, 2, null, default);
        var recoverySeconds = recoveryWatch.Elapsed.TotalSeconds;
        if (!recovery.Committed)
        {
            throw new InvalidOperationException($"The recovery aborted: {recovery.Reason}");
        }
        PrintSteps(fleet, 1, recovery.OperationId);
        PrintSteps(fleet, 2, recovery.OperationId);
        var withNode2 = fleet.Client("bench", o => o with { Nodes = [.. o.Nodes.Where(n => n.X == 2 || n.X > nodes - threshold + 1)] });
        await VerifyAsync(withNode2, samples);
        var recoveredRss = ProcessStats.PeakRssBytes(fleet[2].Pid);

        var sent = sentAfter.Zip(sentBefore, (a, b) => a - b).ToArray();
        return string.Create(CultureInfo.InvariantCulture,
            $"| {nodes} | {threshold} | {secrets:N0} | {refreshSeconds:F1} | {warmSeconds:F1} | {afterRestartSeconds:F1} | {secrets / warmSeconds:N0} | {sent.Average() / 1e6:F0} | {rss.Max() / 1e6:F0} | {cpu.Sum():F0} | {recoverySeconds:F1} | {recoveredRss / 1e6:F0} |");
    }

    public const string Header = """
        | n | t | secrets | first refresh s | next refresh s | refresh after a restart s | secrets/s (next) | MB served per node | peak RSS per node MB (max) | CPU s (all nodes, first two refreshes) | recovery of one node s | rebuilt node peak RSS MB |
        |---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
        """;

    // Imported in chunks into every node at once (ShareStore.ImportAsync). The names go in the
    // order of their keys, so each chunk lands after the one before in every B-tree.
    internal static async Task<Dictionary<string, byte[]>> SeedAsync(ProcessFleet fleet, int nodes, int threshold, int secrets)
    {
        const int Chunk = 65536;
        var stores = new ShareStore[nodes];
        for (var i = 0; i < nodes; i++)
        {
            var x = (byte)(i + 1);
            stores[i] = await ShareStore.OpenAsync(fleet.DataDirectory(x), NodeKey.Load(fleet.KeyFile(x)), x, TimeProvider.System, default);
        }
        var names = Enumerable.Range(0, secrets).Select(s => $"bench-{s:D7}")
            .OrderBy(SecretKeys.For, Comparer<byte[]>.Create(static (a, b) => a.AsSpan().SequenceCompareTo(b))).ToArray();
        var samples = new Dictionary<string, byte[]>();
        for (var start = 0; start < secrets; start += Chunk)
        {
            var writes = Enumerable.Range(0, nodes).Select(_ => new List<ShareWrite>(Chunk)).ToArray();
            for (var s = start; s < Math.Min(secrets, start + Chunk); s++)
            {
                var secret = RandomNumberGenerator.GetBytes(32);
                if (s % Math.Max(1, secrets / Samples) == 0 && samples.Count < Samples)
                {
                    samples[names[s]] = secret;
                }
                var split = Shamir.Split(secret, threshold, nodes);
                for (var i = 0; i < nodes; i++)
                {
                    writes[i].Add(new ShareWrite("spiffe://test.local/client/bench", names[s], 1, split.Shares[i].Value, split.Commitment, threshold, false));
                }
            }
            await Task.WhenAll(stores.Select((store, i) => store.ImportAsync(writes[i], default)));
        }
        foreach (var store in stores)
        {
            await store.DisposeAsync();
        }
        return samples;
    }

    internal static async Task VerifyAsync(FleetClient client, Dictionary<string, byte[]> samples)
    {
        foreach (var (name, secret) in samples)
        {
            if (!(await client.RecoverAsync(name, default)).Secret.AsSpan().SequenceEqual(secret))
            {
                throw new InvalidOperationException($"Secret {name} did not recover after the operation.");
            }
        }
    }

    internal static async Task<double> RefreshAsync(EpochCoordinator coordinator, ProcessFleet fleet, FleetView? view = null)
    {
        view ??= fleet.View;
        var watch = Stopwatch.StartNew();
        var refresh = await coordinator.RefreshAsync(view, null, default);
        if (!refresh.Committed)
        {
            foreach (var x in view.Members.Select(m => m.X))
            {
                foreach (var line in fleet[x].Output.Split('\n').Where(l => l.Contains("warn", StringComparison.Ordinal) || l.Contains("fail", StringComparison.Ordinal)))
                {
                    Console.Error.WriteLine($"node x {x}: {line}");
                }
            }
            throw new InvalidOperationException($"The refresh aborted: {refresh.Reason}");
        }
        PrintSteps(fleet, 1, refresh.OperationId);
        return watch.Elapsed.TotalSeconds;
    }

    // What a node logged of an operation: its begin, staging and commit times, step by step.
    internal static void PrintSteps(ProcessFleet fleet, byte x, string operationId)
    {
        foreach (var line in fleet[x].Output.Split('\n').Where(l => l.Contains(operationId, StringComparison.Ordinal)))
        {
            Console.Error.WriteLine($"{NodeIndex.FromX(x)}: {line}");
        }
    }

    internal static async Task<long[]> SentBytesAsync(ProcessFleet fleet, int nodes)
    {
        using var http = new HttpClient();
        var sent = new long[nodes];
        for (var i = 0; i < nodes; i++)
        {
            var text = await http.GetStringAsync(new Uri(fleet[(byte)(i + 1)].Http, "/metrics"));
            var line = text.Split('\n').FirstOrDefault(l => l.StartsWith("secretfleet_node_peer_sent_bytes_total", StringComparison.Ordinal));
            sent[i] = line is null ? 0 : (long)double.Parse(line.Split(' ')[^1], CultureInfo.InvariantCulture);
        }
        return sent;
    }
}
