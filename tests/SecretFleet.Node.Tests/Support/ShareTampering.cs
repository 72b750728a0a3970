using Microsoft.Data.Sqlite;
using SecretFleet.Node.Storage;

namespace SecretFleet.Node.Tests.Support;

/// <summary>Damage done to a stopped node's database, for tests that prove it is caught.</summary>
internal static class ShareTampering
{
    // Edits node x's only share row: either the sealed bytes as they are on disk (the seal
    // breaks), or the opened share re-sealed with the node's own key (a forgery only the
    // sharing math can catch).
    public static void RewriteShare(ProcessFleet fleet, byte x, Action<byte[]> edit, bool reseal)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(fleet.DataDirectory(x), StoreDatabase.FileName)};Pooling=false");
        connection.Open();
        using var read = connection.CreateCommand();
        read.CommandText = "SELECT key, version, 0, sealed FROM values_0";
        byte[] key, sealedValue;
        long version, epoch;
        using (var reader = read.ExecuteReader())
        {
            reader.Read();
            (key, version, epoch, sealedValue) = ((byte[])reader[0], reader.GetInt64(1), reader.GetInt64(2), (byte[])reader[3]);
        }
        if (reseal)
        {
            using var nodeKey = NodeKey.Load(fleet.KeyFile(x));
            var sealer = new ShareSealer(nodeKey, x);
            var share = new byte[ShareSealer.OpenedLength(sealedValue.Length)];
            Assert.True(sealer.TryOpen(key, (ulong)version, (ulong)epoch, sealedValue, share));
            edit(share);
            sealedValue = sealer.Seal(key, (ulong)version, (ulong)epoch, share);
        }
        else
        {
            edit(sealedValue);
        }
        using var write = connection.CreateCommand();
        write.CommandText = "UPDATE values_0 SET sealed = $sealed";
        write.Parameters.AddWithValue("$sealed", sealedValue);
        write.ExecuteNonQuery();
    }
}
