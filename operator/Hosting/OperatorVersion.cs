using System.Reflection;

namespace SecretFleet.Operator.Hosting;

/// <summary>The operator's version, and the node image of the same version it runs by default.</summary>
public static class OperatorVersion
{
    public const string NodeImageRepository = "ghcr.io/secretfleet/node";

    /// <summary>The informational version without its source-revision suffix, e.g. "0.1.0".</summary>
    public static string Current { get; } = Read();

    /// <summary>The node image a SecretCluster without spec.image runs.</summary>
    public static string DefaultNodeImage => $"{NodeImageRepository}:{Current}";

    private static string Read()
    {
        var version = typeof(OperatorVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }
}
