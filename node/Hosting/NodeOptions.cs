using System.Net;
using Microsoft.Extensions.Logging;
using SecretFleet.Core.Identity;

namespace SecretFleet.Node.Hosting;

/// <summary>Everything a node needs to start; validated from flags and environment by <see cref="NodeSettings"/>.</summary>
internal sealed record NodeOptions
{
    public required string Cluster { get; init; }

    /// <summary>StatefulSet ordinal; the node's x is ordinal + 1.</summary>
    public required int Ordinal { get; init; }

    public required int Threshold { get; init; }

    public required string DataDirectory { get; init; }

    /// <summary>Directory with tls.crt, tls.key and ca.crt (the layout of a cert-manager Secret).</summary>
    public required string TlsDirectory { get; init; }

    public required string KeyFile { get; init; }

    public required IPEndPoint GrpcEndpoint { get; init; }

    /// <summary>Plain HTTP for /healthz, /readyz and /metrics: probes and scrapers cannot do mTLS.</summary>
    public required IPEndPoint HttpEndpoint { get; init; }

    public int MaxSecretBytes { get; init; } = 65536;

    /// <summary>The name in the identity of the one operator whose coordinator calls this node obeys: <c>spiffe://TD/operator/NAME</c>.</summary>
    public string OperatorName { get; init; } = DefaultOperatorName;

    public const string DefaultOperatorName = "secretfleet-operator";

    /// <summary>SECRETFLEET_LOG_LEVEL: the least severe level the node logs (ASP.NET Core's own categories stay at Warning).</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Information;

    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>How often the TLS directory is read again for a renewed certificate (Kubernetes updates a mounted Secret within about a minute).</summary>
    public TimeSpan TlsReloadInterval { get; init; } = TimeSpan.FromSeconds(30);

    public byte X => NodeIndex.XOf(Ordinal);
}
