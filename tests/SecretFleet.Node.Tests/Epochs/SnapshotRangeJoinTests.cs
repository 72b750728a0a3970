using Microsoft.Data.Sqlite;
using SecretFleet.Node.Epochs;

namespace SecretFleet.Node.Tests.Epochs;

/// <summary>The range join that matches snapshot pairs to a table's rows in one scan.</summary>
[Trait("Category", "Unit")]
public sealed class SnapshotRangeJoinTests
{
    private const string Select = "SELECT key, version, payload FROM rows WHERE key >= ?1 AND key <= ?2 ORDER BY key, version";

    private static byte[] Key(byte first) => [first, .. new byte[15]];

    private static SqliteConnection TableOf(params (byte Key, ulong Version)[] rows)
    {
        var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var create = connection.CreateCommand();
        create.CommandText = "CREATE TABLE rows (key BLOB NOT NULL, version INTEGER NOT NULL, payload TEXT NOT NULL, PRIMARY KEY (key, version)) WITHOUT ROWID";
        create.ExecuteNonQuery();
        foreach (var (key, version) in rows)
        {
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO rows VALUES ($key, $version, $payload)";
            insert.Parameters.AddWithValue("$key", Key(key));
            insert.Parameters.AddWithValue("$version", (long)version);
            insert.Parameters.AddWithValue("$payload", $"{key}/{version}");
            insert.ExecuteNonQuery();
        }
        return connection;
    }

    private static List<SnapshotPair> Pairs(params (byte Key, ulong Version)[] pairs) =>
        [.. pairs.Select((p, i) => new SnapshotPair(i + 1, Key(p.Key), p.Version, 1))];

    // The payload of each pair's row, "none" where the table has none.
    private static string[] Join(SqliteConnection connection, List<SnapshotPair> pairs)
    {
        var matched = Enumerable.Repeat("none", pairs.Count).ToArray();
        SnapshotRangeJoin.Match(connection, Select, pairs, (i, row) => matched[i] = row.Text(2));
        return matched;
    }

    [Fact]
    public void Every_pair_with_a_row_gets_its_own_row_and_rows_outside_the_snapshot_are_skipped()
    {
        // Rows written after the snapshot (3/1, 5/1, 9/1) sit between and around its pairs;
        // 4/1 and 7/2 were deleted; key 2 holds two versions, and 6/2 only its newer one.
        using var connection = TableOf((1, 1), (2, 1), (2, 2), (3, 1), (5, 1), (6, 2), (8, 1), (9, 1));
        var pairs = Pairs((1, 1), (2, 1), (2, 2), (4, 1), (6, 1), (6, 2), (7, 2), (8, 1));

        var matched = Join(connection, pairs);

        Assert.Equal(["1/1", "2/1", "2/2", "none", "none", "6/2", "none", "8/1"], matched);
    }

    [Fact]
    public void Pairs_past_the_last_row_and_an_empty_run_match_nothing()
    {
        using var connection = TableOf((1, 1), (2, 1));

        Assert.Equal(["2/1", "none", "none"], Join(connection, Pairs((2, 1), (3, 1), (4, 7))));
        Assert.Empty(Join(connection, Pairs()));
    }

    [Fact]
    public void Pairs_out_of_order_are_refused_rather_than_missed()
    {
        using var connection = TableOf((1, 1), (2, 1));

        Assert.Throws<InvalidOperationException>(() => Join(connection, Pairs((2, 1), (1, 1))));
        Assert.Throws<InvalidOperationException>(() => Join(connection, Pairs((1, 1), (1, 1))));
    }
}
