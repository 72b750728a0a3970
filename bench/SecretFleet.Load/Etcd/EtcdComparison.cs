using System.Globalization;
using System.Text;

namespace SecretFleet.Load.Etcd;

/// <summary>SecretFleet's store and recover next to etcd's put and linearizable get, cell by cell.</summary>
internal static class EtcdComparison
{
    /// <summary>
    /// The etcd table, then the ratios as the last line:
    /// <c>vs etcd: store/put A%, B%, C%; recover/get D%, E%, F% (c=1,16,64)</c>.
    /// </summary>
    public static string Format(IReadOnlyList<(LoopResult Raw, LoopResult Store, LoopResult Recover, LoopResult RecoverAll)> secretFleet, IReadOnlyList<(LoopResult Put, LoopResult Get)> etcd)
    {
        var text = new StringBuilder();
        text.AppendLine("etcd 3.4, 5 members on loopback, client and peer mTLS, 32-byte values, each call to the next member in turn:");
        text.AppendLine();
        text.AppendLine("| concurrency | etcd put ops/s | put p50 ms | put p99 ms | store / put | store p99 ms | etcd get ops/s | get p50 ms | get p99 ms | recover / get |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var storeRatios = new List<string>();
        var recoverRatios = new List<string>();
        for (var i = 0; i < etcd.Count; i++)
        {
            var (put, get) = etcd[i];
            var ours = secretFleet[i];
            var store = Percent(ours.Store, put);
            var recover = Percent(ours.Recover, get);
            storeRatios.Add(store);
            recoverRatios.Add(recover);
            text.AppendLine(FormattableString.Invariant(
                $"| {put.Concurrency} | {put.PerSecond:F0} | {put.P50Ms:F2} | {put.P99Ms:F2} | {store} | {ours.Store.P99Ms:F2} | {get.PerSecond:F0} | {get.P50Ms:F2} | {get.P99Ms:F2} | {recover} |"));
        }

        text.AppendLine();
        var cells = string.Join(',', etcd.Select(e => e.Put.Concurrency.ToString(CultureInfo.InvariantCulture)));
        text.Append(CultureInfo.InvariantCulture, $"vs etcd: store/put {string.Join(", ", storeRatios)}; recover/get {string.Join(", ", recoverRatios)} (c={cells})");
        return text.ToString();
    }

    /// <summary>Ours as a percentage of theirs; "n/a" when a side was not measured (--only).</summary>
    private static string Percent(LoopResult ours, LoopResult theirs) =>
        ours.Operations == 0 || theirs.Operations == 0
            ? "n/a"
            : string.Create(CultureInfo.InvariantCulture, $"{100 * ours.PerSecond / theirs.PerSecond:F0}%");
}
