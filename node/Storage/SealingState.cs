using System.Globalization;

namespace SecretFleet.Node.Storage;

/// <summary>
/// The sealing keys' rows in node_state: the current chain key and, while a refresh is open, the
/// next one with the epoch it seals, each wrapped under the node key. A commit replaces the
/// current row with the next in the same transaction that makes the new epoch current.
/// </summary>
internal static class SealingState
{
    public const string Format = "seal_format";
    public const string CurrentFormat = "2";
    private const string Current = "seal_chain";
    private const string Next = "seal_chain_next";

    public static void WriteCurrent(WriteContext context, string wrapped)
    {
        StoreDatabase.WriteState(context, Current, wrapped);
        StoreDatabase.WriteState(context, Format, CurrentFormat);
    }

    public static void WriteNext(WriteContext context, ulong epoch, string wrapped) =>
        StoreDatabase.WriteState(context, Next, $"{epoch.ToString(CultureInfo.InvariantCulture)} {wrapped}");

    /// <summary>The commit: the next chain key is current from now on, the old one's row is gone.</summary>
    public static void PromoteNext(WriteContext context)
    {
        var next = StoreDatabase.ReadState(context, Next) ?? throw new InvalidOperationException("No next sealing key to promote.");
        StoreDatabase.WriteState(context, Current, next[(next.IndexOf(' ', StringComparison.Ordinal) + 1)..]);
        DropNext(context);
    }

    public static void DropNext(WriteContext context)
    {
        using var delete = context.Command($"DELETE FROM node_state WHERE name = '{Next}'");
        delete.ExecuteNonQuery();
    }

    /// <summary>Opens the chain keys with the node key; a <see cref="NodeConfigurationException"/> when it is not the key that wrapped them.</summary>
    public static ShareSealer Load(WriteContext context, NodeKey nodeKey, byte x, string path)
    {
        var current = SealingChain.Unwrap(nodeKey, StoreDatabase.ReadState(context, Current) ?? "") ?? throw WrongKey(path);
        (ulong, SealingChain)? next = null;
        if (StoreDatabase.ReadState(context, Next) is { } stored)
        {
            var space = stored.IndexOf(' ', StringComparison.Ordinal);
            var chain = SealingChain.Unwrap(nodeKey, stored[(space + 1)..]) ?? throw WrongKey(path);
            next = (ulong.Parse(stored[..space], CultureInfo.InvariantCulture), chain);
        }
        return new ShareSealer(nodeKey, x, current, next);
    }

    public static NodeConfigurationException WrongKey(string path) =>
        new($"The node key does not open the database '{path}': it was sealed under another key; use the node's original key file.");
}
