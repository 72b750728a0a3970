using Microsoft.Data.Sqlite;
using SecretFleet.Node.Storage;

namespace SecretFleet.Node.Epochs;

/// <summary>
/// Joins a run of snapshot pairs with one table's rows by a single range scan over the run's keys,
/// merged in (key, version) order, instead of a B-tree seek per pair: at a million pairs the seeks
/// of the three-table joins cost every node seconds of each refresh and recovery
/// (docs/benchmarks.md). A snapshot taken of the whole table (a refresh's or recovery's, a
/// resharing's first round) leaves the range few rows that are not in it; a sparse one (a
/// resharing's catch-up) should seek instead.
/// </summary>
internal static class SnapshotRangeJoin
{
    /// <summary>
    /// Calls <paramref name="matched"/> with the index of every pair the table holds a row for,
    /// with the statement on that row. <paramref name="sql"/> selects key and version first,
    /// with ?1 and ?2 the lowest and highest key, ordered by key, version.
    /// </summary>
    /// <exception cref="InvalidOperationException">The pairs are not in ascending (key, version) order.</exception>
    public static void Match(SqliteConnection connection, string sql, IReadOnlyList<SnapshotPair> pairs, Action<int, RawStatement> matched)
    {
        if (pairs.Count == 0)
        {
            return;
        }
        for (var i = 1; i < pairs.Count; i++)
        {
            if (Compare(pairs[i - 1].Key, pairs[i - 1].Version, pairs[i]) >= 0)
            {
                throw new InvalidOperationException("The snapshot is not in (key, version) order; a range join would miss pairs.");
            }
        }
        using var select = new RawStatement(connection, sql);
        select.Bind(1, pairs[0].Key);
        select.Bind(2, pairs[^1].Key);
        var next = 0;
        while (next < pairs.Count && select.Read())
        {
            var key = select.Blob(0);
            var version = (ulong)select.Int64(1);
            // Pairs before this row have none; a row before the next pair is not in the snapshot.
            while (next < pairs.Count && Compare(key, version, pairs[next]) > 0)
            {
                next++;
            }
            if (next < pairs.Count && Compare(key, version, pairs[next]) == 0)
            {
                matched(next, select);
                next++;
            }
        }
        select.Reset();
    }

    private static int Compare(ReadOnlySpan<byte> key, ulong version, SnapshotPair pair)
    {
        var order = key.SequenceCompareTo(pair.Key);
        return order != 0 ? order : version.CompareTo(pair.Version);
    }
}
