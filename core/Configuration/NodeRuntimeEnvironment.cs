namespace SecretFleet.Core.Configuration;

/// <summary>
/// Environment variables every launcher gives a node process: the local fleet's launcher, the node
/// image (node/Dockerfile, checked by a test) and the test and benchmark launcher. The .NET runtime
/// reads these from the environment only, not from the node's runtimeconfig.json, so the node's
/// project file cannot carry them.
/// </summary>
public static class NodeRuntimeEnvironment
{
    /// <summary>
    /// <c>DOTNET_TC_CallCountingDelayMs=0</c>: the runtime starts counting calls towards optimized
    /// (tier-1) code only once no new method was compiled for 100 ms. An epoch change compiles new
    /// methods all along, so its per-batch paths stayed unoptimized through the first refresh and
    /// were recompiled in the middle of the next: 43 % of the CPU samples of a "warm" refresh of
    /// 100,000 secrets were in the tiering threads. Without the delay the next refresh of 100,000
    /// took 3.0–3.2 s instead of 5.0, and the first of a million 34.8 s instead of 45.5, with store
    /// and recover unchanged (docs/benchmarks.md).
    /// </summary>
    public static IReadOnlyDictionary<string, string> Variables { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["DOTNET_TC_CallCountingDelayMs"] = "0",
    };
}
