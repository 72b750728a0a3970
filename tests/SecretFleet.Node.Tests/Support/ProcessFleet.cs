using System.Net;
using SecretFleet.Core.Client;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Identity;
using SecretFleet.Node.Storage;

namespace SecretFleet.Node.Tests.Support;

/// <summary>
/// n real node processes on loopback with real mTLS: a local CA, a certificate and key per
/// node, operator and client certificates, a coordinator. Each fleet has its own temp dir and
/// OS-chosen ports; every process it started is killed on dispose.
/// </summary>
internal sealed class ProcessFleet : IAsyncDisposable
{
    public const string TrustDomain = "test.local";

    /// <summary>The coordinator's identity name; the nodes are told to obey it alone.</summary>
    public const string OperatorName = "coordinator";
    private readonly Dictionary<byte, NodeProcess> _nodes = [];
    private readonly Dictionary<byte, (Uri Grpc, Uri Http)> _addresses = [];
    private readonly List<IDisposable> _owned = [];
    private readonly string? _cheat;
    private readonly byte _cheater;

    private readonly TimeSpan? _nodeCertificateLifetime;

    private ProcessFleet(int n, int threshold, byte cheater, string? cheat, TimeSpan? nodeCertificateLifetime)
    {
        _nodeCertificateLifetime = nodeCertificateLifetime;
        Count = n;
        Threshold = threshold;
        _cheater = cheater;
        _cheat = cheat;
        Authority = LocalCertificateAuthority.Create(TrustDomain, TimeSpan.FromDays(1));
        _owned.Add(Authority);
    }

    public TempDirectory Directory { get; } = new();

    /// <summary>What every coordinator of this fleet logged, for failure messages.</summary>
    public CapturingLoggerProvider CoordinatorLog { get; } = new();

    public int Count { get; private set; }

    public int Threshold { get; }

    public LocalCertificateAuthority Authority { get; }

    public FleetView View => new("fleet-" + Path.GetFileName(Directory.Path), Threshold,
        [.. _addresses.OrderBy(a => a.Key).Select(a => new FleetMember(a.Key, a.Value.Grpc, "localhost", NodeIdentity(a.Key)))]);

    public NodeProcess this[byte x] => _nodes[x];

    /// <summary>The coordinators' log and every node's output, for failure messages.</summary>
    public string Diagnostics() =>
        $"coordinator log:\n{CoordinatorLog.Text}\n" + string.Join('\n', _nodes.OrderBy(n => n.Key).Select(n => $"node x {n.Key}:\n{n.Value.Output}"));

    public static FleetIdentity NodeIdentity(byte x) => new(TrustDomain, FleetRole.Node, $"node-{x - 1}");

    /// <summary>
    /// Starts n nodes; node <paramref name="cheater"/>, if any, is the test-only adversary build dealing with <paramref name="cheat"/>.
    /// Node certificates live a day unless <paramref name="nodeCertificateLifetime"/> says otherwise; nodes look for a renewed one every second.
    /// </summary>
    public static async Task<ProcessFleet> StartAsync(int n, int threshold, byte cheater = 0, string? cheat = null, TimeSpan? nodeCertificateLifetime = null)
    {
        var fleet = new ProcessFleet(n, threshold, cheater, cheat, nodeCertificateLifetime);
        try
        {
            await Task.WhenAll(Enumerable.Range(1, n).Select(x => fleet.StartNodeAsync((byte)x)));
            using var operations = fleet.Operations();
            await fleet.Coordinator(operations).EnsureMembershipAsync(fleet.View, allowFormation: true, CancellationToken.None);
            return fleet;
        }
        catch
        {
            await fleet.DisposeAsync();
            throw;
        }
    }

    public string NodeDirectory(byte x) => Directory.Combine($"node-{x - 1}");

    public string DataDirectory(byte x) => Path.Combine(NodeDirectory(x), "data");

    public string KeyFile(byte x) => Path.Combine(NodeDirectory(x), "node.key");

    public string TlsDirectory(byte x) => Path.Combine(NodeDirectory(x), "tls");

    /// <summary>Starts node x (again), on the ports it had before if it ran already, so the fleet view stays valid.</summary>
    public async Task StartNodeAsync(byte x)
    {
        var tls = Path.Combine(NodeDirectory(x), "tls");
        if (!System.IO.Directory.Exists(tls))
        {
            System.IO.Directory.CreateDirectory(tls);
            Issue(FleetRole.Node, NodeIdentity(x).Name, _nodeCertificateLifetime, _nodeCertificateLifetime is null ? null : DateTimeOffset.UtcNow.AddSeconds(-1)).WriteTo(tls);
            NodeKey.CreateFile(KeyFile(x));
        }
        var (grpc, http) = _addresses.TryGetValue(x, out var known) ? ($"127.0.0.1:{known.Grpc.Port}", $"127.0.0.1:{known.Http.Port}") : ("127.0.0.1:0", "127.0.0.1:0");
        var args = new List<string>
        {
            "--cluster", "test", "--ordinal", (x - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), "--threshold", Threshold.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--data-dir", DataDirectory(x), "--tls-dir", tls, "--key-file", KeyFile(x), "--listen", grpc, "--http-listen", http,
            "--operator-name", OperatorName, "--tls-reload-seconds", "1",
        };
        var cheating = _cheat is not null && x == _cheater;
        if (cheating)
        {
            args.AddRange(["--cheat", _cheat!]);
        }
        var node = await NodeProcess.StartAsync(args, x, binary: cheating ? NodeProcess.AdversaryBinaryPath : null);
        lock (_nodes)
        {
            _nodes[x] = node;
            _addresses[x] = (node.Grpc, node.Http);
        }
    }

    public async Task StopNodeAsync(byte x, bool crash = true)
    {
        var node = _nodes[x];
        if (crash)
        {
            node.Kill();
        }
        else
        {
            await node.StopAsync();
        }
        await node.DisposeAsync();
    }

    public async Task GrowAsync(int n)
    {
        for (var x = (byte)(Count + 1); x <= n; x++)
        {
            await StartNodeAsync(x);
        }
        Count = n;
    }

    public IssuedCertificate Issue(FleetRole role, string name, TimeSpan? lifetime = null, DateTimeOffset? notBefore = null) =>
        Authority.Issue(new LeafCertificateRequest(new FleetIdentity(TrustDomain, role, name), lifetime ?? TimeSpan.FromDays(1))
        {
            DnsNames = ["localhost"],
            IpAddresses = [IPAddress.Loopback],
            NotBefore = notBefore,
        });

    public FleetClient Client(string name = "alice", Func<FleetClientOptions, FleetClientOptions>? configure = null)
    {
        var options = ClientOptions(name);
        var client = new FleetClient(configure?.Invoke(options) ?? options);
        _owned.Add(client);
        return client;
    }

    /// <summary>How client <paramref name="name"/> reaches the fleet as it is now.</summary>
    public FleetClientOptions ClientOptions(string name = "alice")
    {
        var tls = Issue(FleetRole.Client, name).ToTlsMaterial();
        _owned.Add(tls);
        return new FleetClientOptions(View.Members, Threshold, tls) { CallTimeout = TimeSpan.FromSeconds(20) };
    }

    public RpcNodeOperations Operations()
    {
        var tls = Issue(FleetRole.Operator, OperatorName).ToTlsMaterial();
        _owned.Add(tls);
        return new RpcNodeOperations(View.Members, tls);
    }

    public EpochCoordinator Coordinator(INodeOperations operations, CoordinatorOptions? options = null) =>
        new(operations, new FileOperationLog(Directory.Combine("operation.json")), TimeProvider.System, CoordinatorLog.CreateLogger<EpochCoordinator>(),
            options ?? new CoordinatorOptions { PollInterval = TimeSpan.FromMilliseconds(50), FinishTimeout = TimeSpan.FromSeconds(5), NodeSilenceLimit = TimeSpan.FromSeconds(10) });

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes.Values)
        {
            await node.DisposeAsync();
        }
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
        Directory.Dispose();
    }
}
