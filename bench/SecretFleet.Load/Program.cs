using System.Globalization;
using SecretFleet.Load;

// secretfleet-load: end-to-end benchmarks against real local fleets (docs/benchmarks.md).
//   rpc     [--nodes 5] [--threshold 3] [--concurrency 1,16,64] [--seconds 10] [--warmup 3] [--only raw,store,recover,recover-all]
//           [--compare-etcd]   (then the same concurrencies against a local 5-member etcd with mTLS)
//   refresh [--nodes 5] [--threshold 3] [--secrets 100000,1000000]
//   reshare [--secrets 100000,1000000] [--shapes 5:3-3:2,5:3-7:4] [--load WRITERS]   (resharing next to a refresh of the same secrets; with load, writers and readers run through it)
//   store-floor [--concurrency 16] [--seconds 8]   (a node's durable Put without RPC, and SQLite's one-row floor)
var verb = args.Length > 0 ? args[0] : "";
string Option(string name, string fallback)
{
    var index = Array.IndexOf(args, "--" + name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
}
int Int(string name, int fallback) => int.Parse(Option(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
int[] Ints(string name, string fallback) => [.. Option(name, fallback).Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture))];

switch (verb)
{
    case "rpc":
        var concurrencies = Ints("concurrency", "1,16,64");
        var (warmup, seconds) = (TimeSpan.FromSeconds(Int("warmup", 3)), TimeSpan.FromSeconds(Int("seconds", 10)));
        var only = Option("only", "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (only.FirstOrDefault(o => !RpcBenchmark.Measurements.Contains(o)) is { } unknown)
        {
            Console.Error.WriteLine($"--only '{unknown}' is not a measurement; name some of {string.Join(", ", RpcBenchmark.Measurements)}, comma-separated.");
            return 2;
        }

        var secretFleet = await RpcBenchmark.RunAsync(Int("nodes", 5), Int("threshold", 3), concurrencies, warmup, seconds, only);
        Console.WriteLine(secretFleet.Table);
        if (args.Contains("--compare-etcd"))
        {
            // After the fleet has stopped: each system has the machine to itself.
            var etcd = await SecretFleet.Load.Etcd.EtcdBenchmark.RunAsync(members: 5, valueBytes: 32, concurrencies, warmup, seconds);
            Console.WriteLine(SecretFleet.Load.Etcd.EtcdComparison.Format(secretFleet.Rows, etcd));
        }

        return 0;
    case "refresh":
        Console.WriteLine(RefreshBenchmark.Header);
        foreach (var secrets in Ints("secrets", "100000,1000000"))
        {
            Console.WriteLine(await RefreshBenchmark.RunAsync(Int("nodes", 5), Int("threshold", 3), secrets));
        }
        return 0;
    case "reshare":
        Console.WriteLine(ResharingBenchmark.Header);
        foreach (var secrets in Ints("secrets", "100000,1000000"))
        {
            foreach (var shape in Option("shapes", "5:3-3:2,5:3-7:4").Split(','))
            {
                var n = shape.Split('-').Select(p => p.Split(':').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
                Console.WriteLine(await ResharingBenchmark.RunAsync(n[0][0], n[0][1], n[1][0], n[1][1], secrets, Int("load", 0)));
            }
        }
        return 0;
    case "store-floor":
        Console.WriteLine(await StoreFloorBenchmark.RunAsync(Int("concurrency", 16), TimeSpan.FromSeconds(Int("seconds", 8))));
        return 0;
    default:
        Console.Error.WriteLine("usage: secretfleet-load rpc|refresh|reshare|store-floor [options]; see bench/SecretFleet.Load/Program.cs");
        return 1;
}
