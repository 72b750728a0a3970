namespace SecretFleet.Node.Storage;

/// <summary>Which table holds the sealed values of an epoch: values_0 for even epochs, values_1 for odd.</summary>
internal static class ValueTables
{
    public static string Of(ulong epoch) => epoch % 2 == 0 ? "values_0" : "values_1";

    /// <summary>The table an operation at <paramref name="epoch"/> stages into (idle until then).</summary>
    public static string NextTo(ulong epoch) => Of(epoch + 1);

    /// <summary>
    /// A share's metadata rows with the value of the node's current epoch, read in one statement so
    /// the epoch and the table it selects come from the same snapshot (a commit in between cannot
    /// make a share look missing).
    /// </summary>
    public const string SelectVersions = """
        SELECT m.version, m.owner, e.epoch, CASE e.epoch % 2 WHEN 0 THEN v0.sealed ELSE v1.sealed END, m.commitment, m.threshold
        FROM shares m
        CROSS JOIN (SELECT CAST(value AS INTEGER) AS epoch FROM node_state WHERE name = 'epoch') e
        LEFT JOIN values_0 v0 ON v0.key = m.key AND v0.version = m.version
        LEFT JOIN values_1 v1 ON v1.key = m.key AND v1.version = m.version
        WHERE m.key = ?1 ORDER BY m.version DESC
        """;
}
