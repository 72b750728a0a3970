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
        var (binding, epoch, sealedValue) = NodeDatabase.Rows(fleet, x).Single();
        if (reseal)
        {
            using var sealer = NodeDatabase.Sealer(fleet, x);
            var share = new byte[ShareSealer.OpenedLength(sealedValue.Length)];
            Assert.True(sealer.TryOpen(binding, epoch, sealedValue, share));
            edit(share);
            sealedValue = sealer.Seal(binding, epoch, share);
        }
        else
        {
            edit(sealedValue);
        }
        using var connection = NodeDatabase.Open(fleet, x, readOnly: false);
        using var write = connection.CreateCommand();
        write.CommandText = $"UPDATE {ValueTables.Of(epoch)} SET sealed = $sealed";
        write.Parameters.AddWithValue("$sealed", sealedValue);
        write.ExecuteNonQuery();
    }
}
