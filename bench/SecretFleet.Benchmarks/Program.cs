using BenchmarkDotNet.Running;
using SecretFleet.Benchmarks;

// Modes besides BenchmarkDotNet (which takes its usual args, e.g. --filter '*Shamir*'):
//   peer-loop [count] [passes]  split+combine of `count` 32-byte secrets, 3-of-5, timed warm (compare-peers.sh)
//   refresh-million [count]     one node's refresh math for `count` 32-byte secrets, n=5, t=3
switch (args.FirstOrDefault())
{
    case "peer-loop":
        return PeerLoop.Run(IntArg(1, 10_000), IntArg(2, 5));
    case "refresh-million":
        return RefreshMillion.Run(IntArg(1, 1_000_000));
    default:
        BenchmarkSwitcher.FromAssembly(typeof(PeerLoop).Assembly).Run(args, BenchConfig.Create());
        return 0;
}

int IntArg(int index, int fallback) =>
    args.Length > index ? int.Parse(args[index], System.Globalization.CultureInfo.InvariantCulture) : fallback;
