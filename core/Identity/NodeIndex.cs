namespace SecretFleet.Core.Identity;

/// <summary>
/// A node's place in its fleet in both numberings SecretFleet uses: <see cref="X"/>, its Shamir
/// x-coordinate (1 to 255; 0 is where the secret lives), and <see cref="Ordinal"/>, the number
/// its pod, process and messages carry (X − 1: node-0, NAME-0). The only place that converts.
/// </summary>
public readonly record struct NodeIndex
{
    private NodeIndex(byte x) => X = x;

    public byte X { get; }

    public int Ordinal => X - 1;

    public static NodeIndex FromX(int x) =>
        x is >= 1 and <= byte.MaxValue ? new NodeIndex((byte)x) : throw new ArgumentOutOfRangeException(nameof(x), x, "A node's x is 1 to 255.");

    public static NodeIndex FromOrdinal(int ordinal) =>
        ordinal is >= 0 and < byte.MaxValue ? new NodeIndex((byte)(ordinal + 1)) : throw new ArgumentOutOfRangeException(nameof(ordinal), ordinal, "A node's ordinal is 0 to 254.");

    public static int OrdinalOf(int x) => FromX(x).Ordinal;

    public static byte XOf(int ordinal) => FromOrdinal(ordinal).X;

    /// <summary>"node-2, node-4": nodes given by x, as every message names them.</summary>
    public static string Describe(IEnumerable<byte> xs) => string.Join(", ", xs.Order().Select(x => FromX(x).ToString()));

    /// <summary>The node's name in messages: node-ORDINAL.</summary>
    public override string ToString() => $"node-{Ordinal}";
}
