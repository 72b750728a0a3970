using Microsoft.Data.Sqlite;
using SecretFleet.Node.Storage;

namespace SecretFleet.Node.Tests.Support;

/// <summary>Reads a stopped or running node's database directly, as an attacker with the files (and, for opened values, the key) would.</summary>
internal static class NodeDatabase
{
    /// <summary>Every row's opened share value, by secret key and version.</summary>
    public static Dictionary<string, byte[]> OpenedShares(ProcessFleet fleet, byte x)
    {
        using var sealer = Sealer(fleet, x);
        var shares = new Dictionary<string, byte[]>();
        foreach (var (binding, epoch, sealedValue) in Rows(fleet, x))
        {
            var share = new byte[ShareSealer.OpenedLength(sealedValue.Length)];
            Assert.True(sealer.TryOpen(binding, epoch, sealedValue, share), $"node x {x} has an unreadable row");
            shares[$"{Convert.ToHexString(binding.Key)}@{binding.Version}"] = share;
        }
        return shares;
    }

    /// <summary>
    /// The node's key material as an attacker holding its key file and its disk has it: the node
    /// key and the sealing chain keys stored (wrapped) in the database.
    /// </summary>
    public static ShareSealer Sealer(ProcessFleet fleet, byte x)
    {
        var nodeKey = NodeKey.Load(fleet.KeyFile(x));
        using var connection = Open(fleet, x);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM node_state WHERE name = 'seal_chain'";
        var current = SealingChain.Unwrap(nodeKey, (string)command.ExecuteScalar()!);
        Assert.NotNull(current);
        return new ShareSealer(nodeKey, x, current);
    }

    /// <summary>Every value row of the node's current epoch with what it is bound to.</summary>
    public static List<(ShareBinding Binding, ulong Epoch, byte[] Sealed)> Rows(ProcessFleet fleet, byte x)
    {
        using var connection = Open(fleet, x);
        using var command = connection.CreateCommand();
        // Every value row, with the epoch its table belongs to (values_0 even, values_1 odd).
        command.CommandText = """
            SELECT v.key, v.version, e.epoch, v.sealed, m.owner, m.commitment, m.threshold
            FROM (SELECT key, version, sealed, 0 AS parity FROM values_0 UNION ALL SELECT key, version, sealed, 1 FROM values_1) v
            CROSS JOIN (SELECT CAST(value AS INTEGER) AS epoch FROM node_state WHERE name = 'epoch') e
            JOIN shares m ON m.key = v.key AND m.version = v.version
            WHERE v.parity = e.epoch % 2
            """;
        using var reader = command.ExecuteReader();
        var rows = new List<(ShareBinding, ulong, byte[])>();
        while (reader.Read())
        {
            var (key, version) = ((byte[])reader[0], (ulong)reader.GetInt64(1));
            rows.Add((new ShareBinding(key, version, reader.GetString(4), (byte[])reader[5], reader.GetInt32(6)), (ulong)reader.GetInt64(2), (byte[])reader[3]));
        }
        return rows;
    }

    public static SqliteConnection Open(ProcessFleet fleet, byte x, bool readOnly = true)
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(fleet.DataDirectory(x), StoreDatabase.FileName)};Pooling=false{(readOnly ? ";Mode=ReadOnly" : "")}");
        connection.Open();
        return connection;
    }

    /// <summary>How many rows a node holds in every table that can keep share material or a row of one (for <see cref="Scalar"/>).</summary>
    public const string RowsHoldingShares = "SELECT (SELECT COUNT(*) FROM shares) + (SELECT COUNT(*) FROM values_0) + (SELECT COUNT(*) FROM values_1) + (SELECT COUNT(*) FROM recovered)";

    /// <summary>One number from an in-process node's database, read beside the running node.</summary>
    public static long Scalar(InProcessFleet fleet, byte x, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(fleet.DirectoryOf(x), StoreDatabase.FileName)};Pooling=false;Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    public static List<byte[]> SealedValues(ProcessFleet fleet, byte x) => [.. Rows(fleet, x).Select(r => r.Sealed)];

    /// <summary>The node's audit rows as (identity, operation, subject, outcome), oldest first.</summary>
    public static List<(string Identity, string Operation, string Subject, string Outcome)> Audit(ProcessFleet fleet, byte x)
    {
        using var connection = Open(fleet, x);
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

    /// <summary>
    /// How many of <paramref name="sealedValues"/> still appear in <paramref name="bytes"/>, each found by 16
    /// bytes of its ciphertext. One pass with a hash set: searching the file once per value took minutes at 10,000.
    /// </summary>
    public static int CountContained(byte[] bytes, IEnumerable<byte[]> sealedValues)
    {
        var probes = sealedValues.Select(s => System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(s.AsSpan(13, 16))).ToHashSet();
        var found = new HashSet<UInt128>();
        for (var i = 0; i + 16 <= bytes.Length; i++)
        {
            var window = System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(bytes.AsSpan(i, 16));
            if (probes.Contains(window))
            {
                found.Add(window);
            }
        }
        return found.Count;
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
}
