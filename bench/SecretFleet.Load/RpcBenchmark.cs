using System.Security.Cryptography;
using System.Text;
using Grpc.Health.V1;
using SecretFleet.Core.Client;
using SecretFleet.Core.Identity;
using SecretFleet.Core.Rpc;
using SecretFleet.Node.Tests.Support;

namespace SecretFleet.Load;

/// <summary>
/// Store and recover throughput against a local fleet, next to the ceiling: a no-op unary RPC
/// (Health/Check) fanned out to every node, over the same kind of channel.
/// </summary>
internal static class RpcBenchmark
{
    public static async Task<RpcResults> RunAsync(int nodes, int threshold, int[] concurrencies, TimeSpan warmup, TimeSpan duration, IReadOnlyCollection<string>? only = null)
    {
        await using var fleet = await ProcessFleet.StartAsync(nodes, threshold);
        var client = fleet.Client("load", o => o with { CallTimeout = TimeSpan.FromSeconds(30) });
        var everyNodeClient = fleet.Client("load", o => o with { CallTimeout = TimeSpan.FromSeconds(30), RecoverReads = RecoverReads.AllNodes });
        using var tls = fleet.Issue(FleetRole.Client, "load-raw").ToTlsMaterial();
        var channels = fleet.View.Members.Select(m => FleetChannel.Create(new RpcChannelOptions { Address = m.Endpoint, Tls = tls, TlsServerName = "localhost" })).ToArray();
        var health = channels.Select(c => new Health.HealthClient(c)).ToArray();
        var targets = new string[1000];
        for (var i = 0; i < targets.Length; i++)
        {
            targets[i] = $"recover-target-{i}";
            await client.StoreAsync(targets[i], RandomNumberGenerator.GetBytes(32), null, default);
        }

        var pids = Enumerable.Range(1, nodes).Select(x => fleet[(byte)x].Pid).ToArray();
        var rows = new List<(LoopResult Raw, LoopResult Store, LoopResult Recover, LoopResult RecoverAll)>();
        foreach (var concurrency in concurrencies)
        {
            var skip = new LoopResult("skipped", concurrency, 0, 0, 1, double.NaN, double.NaN);
            var raw = !Runs(only, "raw") ? skip : await ClosedLoop.RunAsync("raw fan-out", concurrency, warmup, duration,
                _ => Task.WhenAll(health.Select(h => h.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync)), pids);
            var store = !Runs(only, "store") ? skip : await ClosedLoop.RunAsync("store", concurrency, warmup, duration,
                seq => client.StoreAsync($"load-{concurrency}-{seq}", RandomNumberGenerator.GetBytes(32), null, default), pids);
            var recover = !Runs(only, "recover") ? skip : await ClosedLoop.RunAsync("recover", concurrency, warmup, duration,
                seq => client.RecoverAsync(targets[seq % targets.Length], default), pids);
            var recoverAll = !Runs(only, "recover-all") ? skip : await ClosedLoop.RunAsync("recover, all nodes", concurrency, warmup, duration,
                seq => everyNodeClient.RecoverAsync(targets[seq % targets.Length], default), pids);
            rows.Add((raw, store, recover, recoverAll));
            Console.Error.WriteLine(FormattableString.Invariant($"c={concurrency}: raw {raw.PerSecond:F0}/s, store {store.PerSecond:F0}/s, recover {recover.PerSecond:F0}/s, recover from all nodes {recoverAll.PerSecond:F0}/s"));
            foreach (var loop in new[] { raw, store, recover, recoverAll }.Where(l => l.Operations > 0))
            {
                Console.Error.WriteLine(FormattableString.Invariant($"  {loop.Operation}: CPU per op {loop.CpuMicrosPerOp.Client:F0} µs client + {loop.CpuMicrosPerOp.Nodes:F0} µs nodes"));
            }
        }
        foreach (var channel in channels)
        {
            channel.Dispose();
        }

        var text = new StringBuilder();
        text.AppendLine($"{nodes} nodes, threshold {threshold}, 32-byte secrets, {duration.TotalSeconds:F0} s per cell after {warmup.TotalSeconds:F0} s warm-up.");
        text.AppendLine();
        text.AppendLine("| concurrency | raw fan-out ops/s | store ops/s | store / raw | store p50 ms | store p99 ms | recover ops/s | recover / raw | recover p50 ms | recover p99 ms | recover, all nodes, ops/s | all nodes / raw | failures |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (raw, store, recover, all) in rows)
        {
            text.AppendLine(FormattableString.Invariant(
                $"| {raw.Concurrency} | {raw.PerSecond:F0} | {store.PerSecond:F0} | {Share(store, raw)} | {store.P50Ms:F2} | {store.P99Ms:F2} | {recover.PerSecond:F0} | {Share(recover, raw)} | {recover.P50Ms:F2} | {recover.P99Ms:F2} | {all.PerSecond:F0} | {Share(all, raw)} | {raw.Failures + store.Failures + recover.Failures + all.Failures} |"));
        }
        return new RpcResults(text.ToString(), rows);
    }

    // A ratio only where both sides ran (--only may skip either).
    private static string Share(LoopResult part, LoopResult whole) =>
        part.PerSecond > 0 && whole.PerSecond > 0 ? (part.PerSecond / whole.PerSecond).ToString("P0", System.Globalization.CultureInfo.InvariantCulture) : "n/a";

    /// <summary>The measurements <c>--only</c> names (all of them when it names none).</summary>
    public static readonly string[] Measurements = ["raw", "store", "recover", "recover-all"];

    private static bool Runs(IReadOnlyCollection<string>? only, string measurement) => only is null || only.Count == 0 || only.Contains(measurement);
}

/// <summary>The load tool's table, and the cells behind it for comparisons.</summary>
internal sealed record RpcResults(string Table, IReadOnlyList<(LoopResult Raw, LoopResult Store, LoopResult Recover, LoopResult RecoverAll)> Rows);
