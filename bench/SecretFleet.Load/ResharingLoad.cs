using System.Diagnostics;
using System.Security.Cryptography;
using SecretFleet.Core.Client;

namespace SecretFleet.Load;

/// <summary>
/// Writers (new 32-byte secrets, back to back) and readers (seeded samples) through one
/// <see cref="FollowingClient"/> while a resharing runs: how many writes were acknowledged (in all, and
/// begun and acknowledged within the resharing), how many operations failed, and the longest a store
/// waited. Every acknowledged write is checked at the end.
/// </summary>
internal sealed class ResharingLoad
{
    private readonly FollowingClient _client;
    private readonly Dictionary<string, byte[]> _samples;
    private readonly Dictionary<string, byte[]>[] _written;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _workers;
    private readonly long[] _done;
    private readonly List<(long Started, long Acknowledged)>[] _stores;
    private long _failed;
    private long _longestStoreTicks;
    private string? _firstFailure;

    private ResharingLoad(FollowingClient client, Dictionary<string, byte[]> samples, int writers, int readers)
    {
        _client = client;
        _samples = samples;
        _written = [.. Enumerable.Range(0, writers).Select(_ => new Dictionary<string, byte[]>())];
        _done = new long[writers + readers];
        _stores = [.. Enumerable.Range(0, writers).Select(_ => new List<(long, long)>())];
        _workers = [.. Enumerable.Range(0, writers).Select(w => Task.Run(() => WriteAsync(w))), .. Enumerable.Range(writers, readers).Select(r => Task.Run(() => ReadAsync(r)))];
    }

    public static ResharingLoad Start(FollowingClient client, Dictionary<string, byte[]> samples, int writers, int readers) => new(client, samples, writers, readers);

    /// <summary>Waits until every worker finished <paramref name="more"/> more operations than now (its progress is real), then stops them.</summary>
    public async Task<(long Acknowledged, long Failed, double LongestStoreSeconds, string? FirstFailure)> StopAfterAsync(int more)
    {
        var target = Enumerable.Range(0, _done.Length).Select(i => Interlocked.Read(ref _done[i]) + more).ToArray();
        while (Enumerable.Range(0, _done.Length).Any(i => Interlocked.Read(ref _done[i]) < target[i]) && !_workers.Any(w => w.IsCompleted))
        {
            await Task.Delay(50);
        }
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
        return (_written.Sum(w => (long)w.Count), _failed, _longestStoreTicks / (double)Stopwatch.Frequency, _firstFailure);
    }

    /// <summary>Stores begun and acknowledged between two <see cref="Stopwatch"/> timestamps (call after stopping).</summary>
    public long AcknowledgedWithin(long from, long to) => _stores.Sum(w => (long)w.Count(s => s.Started >= from && s.Acknowledged <= to));

    /// <summary>Every acknowledged write, for checking against the fleet afterwards.</summary>
    public IEnumerable<KeyValuePair<string, byte[]>> Written => _written.SelectMany(w => w);

    private async Task WriteAsync(int worker)
    {
        for (var i = 0; !_stop.IsCancellationRequested; i++)
        {
            var name = $"load-{worker}-{i}";
            var secret = RandomNumberGenerator.GetBytes(32);
            var started = Stopwatch.GetTimestamp();
            try
            {
                await _client.StoreAsync(name, secret, null, default);
                _written[worker][name] = secret;
                var acknowledged = Stopwatch.GetTimestamp();
                _stores[worker].Add((started, acknowledged));
                var took = acknowledged - started;
                long longest;
                while (took > (longest = Interlocked.Read(ref _longestStoreTicks)) && Interlocked.CompareExchange(ref _longestStoreTicks, took, longest) != longest)
                {
                }
            }
            catch (FleetClientException e)
            {
                Fail($"store {name}: {e.Message}");
            }
            Interlocked.Increment(ref _done[worker]);
        }
    }

    private async Task ReadAsync(int worker)
    {
        var names = _samples.Keys.ToArray();
        for (var i = worker; !_stop.IsCancellationRequested; i++)
        {
            var name = names[i % names.Length];
            try
            {
                if (!(await _client.RecoverAsync(name, default)).Secret.AsSpan().SequenceEqual(_samples[name]))
                {
                    Fail($"recover {name}: wrong bytes");
                }
            }
            catch (FleetClientException e)
            {
                Fail($"recover {name}: {e.Message}");
            }
            Interlocked.Increment(ref _done[worker]);
        }
    }

    private void Fail(string what)
    {
        Interlocked.Increment(ref _failed);
        Interlocked.CompareExchange(ref _firstFailure, what, null);
    }
}
