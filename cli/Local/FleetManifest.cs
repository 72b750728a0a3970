using System.Text.Json;
using SecretFleet.Cli.Commands;
using SecretFleet.Cli.Output;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Identity;

namespace SecretFleet.Cli.Local;

/// <summary>
/// <c>fleet.json</c>: what <c>local up</c> created and started — fleet id, threshold, schedule,
/// every node's ports, process and paths, the coordinator's process. Paths are absolute (rewritten
/// on every <c>local up</c>) so scripts can read them.
/// </summary>
internal sealed record FleetManifest
{
    public const string FileName = "fleet.json";

    /// <summary>Nodes verify this name; their certificates carry it (with 127.0.0.1).</summary>
    public const string NodeTlsName = "localhost";

    public int FormatVersion { get; init; } = 1;

    public required string FleetId { get; init; }

    public required string TrustDomain { get; init; }

    public required int Threshold { get; init; }

    /// <summary>The refresh interval as a Go duration (e.g. <c>10m</c>).</summary>
    public required string RefreshInterval { get; init; }

    public required string Directory { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>True once the fleet was formed: a later start never forms again over lost data.</summary>
    public bool Formed { get; init; }

    public string? NodeBinary { get; init; }

    public required IReadOnlyList<LocalNode> Nodes { get; init; }

    public LocalCoordinator? Coordinator { get; init; }

    /// <summary>
    /// Nodes started for a resharing that has not committed yet (new ordinals). They are not members:
    /// clients and refreshes use <see cref="Nodes"/>; `local down` stops them too.
    /// </summary>
    public IReadOnlyList<LocalNode> JoiningNodes { get; init; } = [];

    /// <summary>Set while `local scale` reshares: the shape it goes to. A later `local scale` finishes it first.</summary>
    public FleetShape? PendingShape { get; init; }

    public string CertificateAuthorityDirectory => Path.Combine(Directory, "ca");

    public string OperatorTlsDirectory => Path.Combine(Directory, "certs", "operator");

    public string OperationLogFile => Path.Combine(Directory, "operation.json");

    public string CoordinatorLogFile => Path.Combine(Directory, "coordinator.log");

    public static string PathIn(string directory) => Path.Combine(directory, FileName);

    /// <summary>The fleet as clients and the coordinator reach it.</summary>
    public FleetView View => new(FleetId, Threshold, [.. Nodes.OrderBy(n => n.Ordinal).Select(n => n.Member(TrustDomain))]);

    /// <summary>Every node an operation may involve: the members and the nodes joining in a resharing.</summary>
    public FleetView OperationView => new(FleetId, Threshold, [.. Nodes.Concat(JoiningNodes).OrderBy(n => n.Ordinal).Select(n => n.Member(TrustDomain))]);

    public static FleetManifest? TryLoad(string directory)
    {
        var path = PathIn(directory);
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<FleetManifest>(File.ReadAllText(path), CliJson.Options)
                ?? throw CliException.Other($"{path} is empty; remove the fleet with `kubectl secrets local down --purge --dir {directory}` and start a new one.");
        }
        catch (JsonException e)
        {
            throw CliException.Other($"{path} is not a fleet manifest ({e.Message}); fix or remove it and run `kubectl secrets local up` again.", e);
        }
    }

    public static FleetManifest Load(string directory) =>
        TryLoad(directory) ?? throw CliException.NotFound($"No local fleet in {directory}; start one with `kubectl secrets local up`.");

    public void Save() => AtomicFile.WriteAllText(PathIn(Directory), JsonSerializer.Serialize(this, CliJson.Options));

    public LocalNode Node(int ordinal) => Nodes.First(n => n.Ordinal == ordinal);

    public FleetManifest WithNode(LocalNode node) =>
        this with { Nodes = [.. Nodes.Select(n => n.Ordinal == node.Ordinal ? node : n)] };
}

/// <summary>One node of a local fleet: its ordinal (x = ordinal + 1), ports, process and files.</summary>
internal sealed record LocalNode
{
    public required int Ordinal { get; init; }

    public int X => NodeIndex.XOf(Ordinal);

    public int GrpcPort { get; init; }

    public int HttpPort { get; init; }

    public ProcessRecord? Process { get; init; }

    public required string NodeDirectory { get; init; }

    public string DataDirectory => Path.Combine(NodeDirectory, "data");

    public string TlsDirectory => Path.Combine(NodeDirectory, "tls");

    public string KeyFile => Path.Combine(NodeDirectory, "node.key");

    public string LogFile => Path.Combine(NodeDirectory, "node.log");

    public Uri GrpcEndpoint => new($"https://127.0.0.1:{GrpcPort}");

    public Uri MetricsUrl => new($"http://127.0.0.1:{HttpPort}/metrics");

    public FleetMember Member(string trustDomain) => new((byte)X, GrpcEndpoint, FleetManifest.NodeTlsName, new FleetIdentity(trustDomain, FleetRole.Node, Name));

    /// <summary>The name in the node's certificate identity, <c>node-i</c>.</summary>
    public string Name => LocalPki.NodeName(Ordinal);
}

/// <summary>A fleet's size and threshold.</summary>
internal sealed record FleetShape(int Nodes, int Threshold);

/// <summary>The background coordinator process of a local fleet.</summary>
internal sealed record LocalCoordinator(ProcessRecord Process);
