namespace SecretFleet.Operator.Hosting;

/// <summary>The operator's version, and the node image of the same version it runs by default.</summary>
/// <remarks>
/// One constant rather than the assembly version: the build sets no &lt;Version&gt;, and the chart's appVersion and
/// the default node image tag must agree with it (a test checks Chart.yaml).
/// </remarks>
public static class OperatorVersion
{
    public const string NodeImageRepository = "ghcr.io/secretfleet/node";

    /// <summary>The release, e.g. "0.1.0".</summary>
    public const string Current = "0.1.0";

    /// <summary>The node image a SecretCluster without spec.image runs.</summary>
    public static string DefaultNodeImage => $"{NodeImageRepository}:{Current}";
}
