namespace SecretFleet.Cli.Commands;

/// <summary>Nodes are named by ordinal (node-0 … node-n-1) in every message, like pods NAME-0 … on Kubernetes.</summary>
internal static class NodeNames
{
    public static string Describe(IEnumerable<byte> xs) => string.Join(", ", xs.Order().Select(x => $"node-{x - 1}"));
}
