using System.Security.Cryptography;

namespace SecretFleet.Node.Storage;

/// <summary>
/// Re-seals a format-1 database (values under per-epoch keys derived from the node key alone,
/// bound to key, version, epoch and x) under a fresh <see cref="SealingChain"/>, with owner,
/// commitment and threshold in the binding, in one transaction on first start of a newer node.
/// The old rows are deleted (zeroed by secure_delete), and the caller truncates the WAL.
/// </summary>
internal static class SealingUpgrade
{
    private const string KeyCheck = "key_check";

    public static ShareSealer Run(WriteContext context, NodeKey nodeKey, byte x, ulong epoch, string path)
    {
        var check = Convert.FromBase64String(StoreDatabase.ReadState(context, KeyCheck) ?? "");
        if (!LegacySealing.KeyCheckOpens(nodeKey, x, check))
        {
            throw SealingState.WrongKey(path);
        }
        if (StoreDatabase.ReadState(context, "operation") is { Length: > 0 } json
            && System.Text.Json.JsonSerializer.Deserialize<Epochs.OperationRecord>(json) is { IsFinished: false })
        {
            throw new NodeConfigurationException(
                $"The database '{path}' is in the middle of a refresh or recovery written by an older node; let that node finish or abort it, then start this one.");
        }
        var sealer = new ShareSealer(nodeKey, x, SealingChain.Create());
        var table = ValueTables.Of(epoch);
        var idle = ValueTables.NextTo(epoch);
        var epochKey = nodeKey.LegacyEpochKey(epoch);
        try
        {
            context.Execute($"DELETE FROM {idle}");
            using (var select = context.Command($"""
                SELECT v.key, v.version, v.sealed, m.owner, m.commitment, m.threshold
                FROM {table} v JOIN shares m ON m.key = v.key AND m.version = v.version ORDER BY v.key, v.version
                """))
            using (var reader = select.ExecuteReader())
            using (var insert = context.Raw($"INSERT INTO {idle} (key, version, sealed) VALUES (?1, ?2, ?3)"))
            {
                while (reader.Read())
                {
                    var (key, version, sealedValue) = ((byte[])reader[0], (ulong)reader.GetInt64(1), (byte[])reader[2]);
                    var value = new byte[ShareSealer.OpenedLength(sealedValue.Length)];
                    try
                    {
                        // A row that was already unreadable stays so (clients name this node for it).
                        var resealed = LegacySealing.TryOpen(epochKey, x, key, version, epoch, sealedValue, value)
                            ? sealer.Seal(new ShareBinding(key, version, reader.GetString(3), (byte[])reader[4], reader.GetInt32(5)), epoch, value)
                            : sealedValue;
                        insert.Bind(1, key);
                        insert.Bind(2, checked((long)version));
                        insert.Bind(3, resealed);
                        insert.Execute();
                    }
                    finally
                    {
                        CryptographicOperations.ZeroMemory(value);
                    }
                }
            }
            context.Execute($"DELETE FROM {table}; INSERT INTO {table} (key, version, sealed) SELECT key, version, sealed FROM {idle}; DELETE FROM {idle}");
            context.Execute($"DELETE FROM node_state WHERE name = '{KeyCheck}'");
            SealingState.WriteCurrent(context, sealer.CurrentWrapped());
            return sealer;
        }
        catch
        {
            sealer.Dispose();
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(epochKey);
        }
    }
}
