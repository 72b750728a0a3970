using Microsoft.Extensions.Logging;

namespace SecretFleet.KubeEmulator;

/// <summary>How an <see cref="ApiServerEmulator"/> behaves; the defaults suit tests.</summary>
public sealed record EmulatorOptions
{
    /// <summary>How often a watch with <c>allowWatchBookmarks=true</c> gets a BOOKMARK (a real server: about a minute).</summary>
    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Check built-in and cert-manager objects against the upstream JSON schemas (needs node and tests/peers).</summary>
    public bool ValidateUpstreamSchemas { get; init; } = true;

    /// <summary>Run the emulated cert-manager (its CRDs are installed either way).</summary>
    public bool CertManager { get; init; } = true;

    /// <summary>Run an emulated node: StatefulSet pods become real secretfleet-node processes (null: nothing runs).</summary>
    public KubeletOptions? Kubelet { get; init; }

    /// <summary>The repository root (holding tests/tools and tests/peers); found from the test binaries when null.</summary>
    public string? RepositoryRoot { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public ILoggerFactory? LoggerFactory { get; init; }
}
