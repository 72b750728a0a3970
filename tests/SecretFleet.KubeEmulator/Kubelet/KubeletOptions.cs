namespace SecretFleet.KubeEmulator;

/// <summary>
/// How the emulated kubelet (with the StatefulSet and volume controllers that come with it) behaves. The defaults suit
/// tests: probes and restarts are quicker than a real kubelet's so a test sees a pod Ready or restarted in seconds.
/// </summary>
public sealed record KubeletOptions
{
    /// <summary>The node every unscheduled pod is bound to (<c>spec.nodeName</c>).</summary>
    public string NodeName { get; init; } = "emulated-node";

    /// <summary>The <c>secretfleet-node</c> executable images matching <c>*secretfleet*node*</c> run; next to the tests when null.</summary>
    public string? NodeBinary { get; init; }

    /// <summary>Where pod and volume directories live; a fresh temp directory (deleted on dispose) when null.</summary>
    public string? RootDirectory { get; init; }

    /// <summary>Readiness probes run at least this often (a real kubelet honours periodSeconds, 10 s by default).</summary>
    public TimeSpan MaxReadinessProbePeriod { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The first restart delay of a crashed container; it doubles up to <see cref="MaxRestartBackoff"/> (real: 10 s … 5 min).</summary>
    public TimeSpan RestartBackoff { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRestartBackoff { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Lines of output kept per container run for <c>kubectl logs</c>.</summary>
    public int LogLinesKept { get; init; } = 5000;

    internal string ResolveNodeBinary() => NodeBinary ?? Path.Combine(AppContext.BaseDirectory, "secretfleet-node");
}
