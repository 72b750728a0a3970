using Microsoft.Data.Sqlite;
using SecretFleet.Node.Storage;

namespace SecretFleet.Node.Tests.Support;

/// <summary>Reads a stopped or running node's database directly, as an attacker with the files (and, for opened values, the key) would.</summary>
internal static class NodeDatabase
{
    /// <summary>Every row's opened share value, by secret key and version.</summary>
    public static Dictionary<string, byte[]> OpenedShares(ProcessFleet fleet, byte x)
    {
        using var nodeKey = NodeKey.Load(fleet.KeyFile(x));
        var sealer = new ShareSealer(nodeKey, x);
        var shares = new Dictionary<string, byte[]>();
        foreach (var (key, version, epoch, sealedValue) in Rows(fleet, x))
        {
            var share = new byte[ShareSealer.OpenedLength(sealedValue.Length)];
            Assert.True(sealer.TryOpen(key, version, epoch, sealedValue, share), $"node x {x} has an unreadable row");
            shares[$"{Convert.ToHexString(key)}@{version}"] = share;
        }
        return shares;
    }

    public static List<byte[]> SealedValues(ProcessFleet fleet, byte x) => [.. Rows(fleet, x).Select(r => r.Sealed)];

    /// <summary>The node's audit rows as (identity, operation, subject, outcome), oldest first.</summary>
    public static List<(string Identity, string Operation, string Subject, string Outcome)> Audit(ProcessFleet fleet, byte x)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(fleet.DataDirectory(x), StoreDatabase.FileName)};Mode=ReadOnly;Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT identity, operation, subject, outcome FROM audit ORDER BY id";
        using var reader = command.ExecuteReader();
        var rows = new List<(string, string, string, string)>();
        while (reader.Read())
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        }
        return rows;
    }

    /// <summary>The bytes of every file in the node's data directory (database, WAL, shared memory).</summary>
    public static IEnumerable<(string File, byte[] Bytes)> Files(ProcessFleet fleet, byte x) =>
        Directory.GetFiles(fleet.DataDirectory(x)).Select(f => (Path.GetFileName(f), ReadShared(f)));

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    private static List<(byte[] Key, ulong Version, ulong Epoch, byte[] Sealed)> Rows(ProcessFleet fleet, byte x)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(fleet.DataDirectory(x), StoreDatabase.FileName)};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        // Every value row, with the epoch its table belongs to (values_0 even, values_1 odd).
        command.CommandText = """
            SELECT v.key, v.version, e.epoch, v.sealed FROM values_0 v, (SELECT CAST(value AS INTEGER) AS epoch FROM node_state WHERE name = 'epoch') e WHERE e.epoch % 2 = 0
            UNION ALL
            SELECT v.key, v.version, e.epoch, v.sealed FROM values_1 v, (SELECT CAST(value AS INTEGER) AS epoch FROM node_state WHERE name = 'epoch') e WHERE e.epoch % 2 = 1
            """;
        using var reader = command.ExecuteReader();
        var rows = new List<(byte[], ulong, ulong, byte[])>();
        while (reader.Read())
        {
            rows.Add(((byte[])reader[0], (ulong)reader.GetInt64(1), (ulong)reader.GetInt64(2), (byte[])reader[3]));
        }
        return rows;
    }
}
