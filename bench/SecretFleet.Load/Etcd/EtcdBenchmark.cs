using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using SecretFleet.Load.Etcd.Api;

namespace SecretFleet.Load.Etcd;

/// <summary>
/// What SecretFleet's users would pick instead: etcd, where Kubernetes keeps its Secrets. Put and
/// linearizable get of values as large as the secrets stored, at the same concurrencies, on a
/// 5-member cluster with client and peer mTLS; each call goes to the next member in turn.
/// </summary>
internal static class EtcdBenchmark
{
    private const int GetTargets = 1000;

    public static async Task<IReadOnlyList<(LoopResult Put, LoopResult Get)>> RunAsync(int members, int valueBytes, int[] concurrencies, TimeSpan warmup, TimeSpan duration)
    {
        await using var etcd = await EtcdCluster.StartAsync(members, CancellationToken.None).ConfigureAwait(false);
        var clients = etcd.Clients;
        KV.KVClient Next(long sequence) => clients[(int)(sequence % clients.Count)];
        var deadline = TimeSpan.FromSeconds(30);
        var targets = new ByteString[GetTargets];
        for (var i = 0; i < targets.Length; i++)
        {
            targets[i] = ByteString.CopyFromUtf8(string.Create(CultureInfo.InvariantCulture, $"get/{i}"));
            await Next(i).PutAsync(new PutRequest { Key = targets[i], Value = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(valueBytes)) }, deadline: DateTime.UtcNow.Add(deadline));
        }

        var rows = new List<(LoopResult, LoopResult)>();
        foreach (var concurrency in concurrencies)
        {
            var put = await ClosedLoop.RunAsync("etcd put", concurrency, warmup, duration,
                seq => Next(seq).PutAsync(new PutRequest { Key = ByteString.CopyFrom(Encoding.UTF8.GetBytes($"put/{seq}")), Value = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(valueBytes)) }, deadline: DateTime.UtcNow.Add(deadline)).ResponseAsync,
                etcd.Pids).ConfigureAwait(false);
            var get = await ClosedLoop.RunAsync("etcd linearizable get", concurrency, warmup, duration,
                async seq =>
                {
                    var answer = await Next(seq).RangeAsync(new RangeRequest { Key = targets[seq % targets.Length] }, deadline: DateTime.UtcNow.Add(deadline)).ResponseAsync.ConfigureAwait(false);
                    if (answer.Kvs.Count != 1 || answer.Kvs[0].Value.Length != valueBytes)
                    {
                        throw new InvalidOperationException($"etcd returned {answer.Kvs.Count} values for a key it holds.");
                    }
                },
                etcd.Pids).ConfigureAwait(false);
            Console.Error.WriteLine(FormattableString.Invariant($"etcd c={concurrency}: put {put.PerSecond:F0}/s, linearizable get {get.PerSecond:F0}/s"));
            rows.Add((put, get));
        }

        return rows;
    }
}
