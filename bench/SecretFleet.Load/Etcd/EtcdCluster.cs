using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using SecretFleet.Load.Etcd.Api;

namespace SecretFleet.Load.Etcd;

/// <summary>
/// A local etcd cluster for the side-by-side comparison: n members on 127.0.0.1, client and peer
/// traffic over mutual TLS, each member's data in a temp directory that disposal deletes with the
/// processes. Clients get one channel per member, as SecretFleet's client has one per node.
/// </summary>
internal sealed class EtcdCluster : IAsyncDisposable
{
    private const string EtcdBinary = "/usr/bin/etcd";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _root;
    private readonly EtcdPki _pki;
    private readonly List<Process> _members = [];
    private readonly List<GrpcChannel> _channels = [];
    private readonly List<ConcurrentQueue<string>> _logs = [];

    private EtcdCluster(TempDirectory root, EtcdPki pki)
    {
        _root = root;
        _pki = pki;
    }

    /// <summary>One KV client per member.</summary>
    public IReadOnlyList<KV.KVClient> Clients { get; private set; } = [];

    public IReadOnlyList<int> Pids => [.. _members.Select(m => m.Id)];

    public static async Task<EtcdCluster> StartAsync(int members, CancellationToken cancellationToken)
    {
        await EnsureInstalledAsync(cancellationToken).ConfigureAwait(false);
        var root = new TempDirectory();
        var cluster = new EtcdCluster(root, EtcdPki.Create(root.Path));
        try
        {
            await cluster.LaunchAsync(members, cancellationToken).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        foreach (var member in _members)
        {
            try
            {
                member.Kill(entireProcessTree: true);
                await member.WaitForExitAsync().ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            member.Dispose();
        }

        _pki.Dispose();
        _root.Dispose();
    }

    private static async Task EnsureInstalledAsync(CancellationToken cancellationToken)
    {
        if (File.Exists(EtcdBinary))
        {
            return;
        }

        Console.Error.WriteLine("etcd is not installed: apt-get install -y etcd-server");
        using var apt = Process.Start(new ProcessStartInfo("apt-get", ["install", "-y", "etcd-server"]) { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException("Could not start apt-get to install etcd-server; install it (Debian: apt-get install etcd-server) or run without --compare-etcd.");
        var output = apt.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = apt.StandardError.ReadToEndAsync(cancellationToken);
        await apt.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (apt.ExitCode != 0 || !File.Exists(EtcdBinary))
        {
            throw new InvalidOperationException($"apt-get install etcd-server failed (exit {apt.ExitCode}): {(await errors.ConfigureAwait(false)).Trim()} {(await output.ConfigureAwait(false)).Trim()}; install it or run without --compare-etcd.");
        }
    }

    private async Task LaunchAsync(int count, CancellationToken cancellationToken)
    {
        var clientPorts = FreePorts(count);
        var peerPorts = FreePorts(count);
        var initialCluster = string.Join(',', Enumerable.Range(0, count).Select(i => $"m{i}=https://127.0.0.1:{peerPorts[i]}"));
        for (var i = 0; i < count; i++)
        {
            var start = new ProcessStartInfo(EtcdBinary)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var argument in new[]
            {
                "--name", $"m{i}",
                "--data-dir", Path.Combine(_root.Path, $"m{i}"),
                "--listen-client-urls", $"https://127.0.0.1:{clientPorts[i]}",
                "--advertise-client-urls", $"https://127.0.0.1:{clientPorts[i]}",
                "--listen-peer-urls", $"https://127.0.0.1:{peerPorts[i]}",
                "--initial-advertise-peer-urls", $"https://127.0.0.1:{peerPorts[i]}",
                "--initial-cluster", initialCluster,
                "--initial-cluster-state", "new",
                "--initial-cluster-token", "secretfleet-load",
                "--client-cert-auth", "--trusted-ca-file", _pki.AuthorityFile,
                "--cert-file", _pki.MemberCertificateFile, "--key-file", _pki.MemberKeyFile,
                "--peer-client-cert-auth", "--peer-trusted-ca-file", _pki.AuthorityFile,
                "--peer-cert-file", _pki.MemberCertificateFile, "--peer-key-file", _pki.MemberKeyFile,
                "--logger", "zap", "--log-level", "error",
            })
            {
                start.ArgumentList.Add(argument);
            }

            var member = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {EtcdBinary}.");
            _members.Add(member);
            // Drained so that a chatty member never blocks on a full pipe; kept only for an error message.
            member.OutputDataReceived += (_, _) => { };
            var log = new ConcurrentQueue<string>();
            member.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null && log.Count < 50)
                {
                    log.Enqueue(e.Data);
                }
            };
            member.BeginOutputReadLine();
            member.BeginErrorReadLine();
            _logs.Add(log);
        }

        foreach (var port in clientPorts)
        {
            _channels.Add(GrpcChannel.ForAddress($"https://127.0.0.1:{port}", new GrpcChannelOptions { HttpHandler = Handler(), DisposeHttpClient = true }));
        }

        Clients = [.. _channels.Select(c => new KV.KVClient(c))];
        await WaitReadyAsync(cancellationToken).ConfigureAwait(false);
    }

    private SocketsHttpHandler Handler() => new()
    {
        EnableMultipleHttp2Connections = true,
        UseProxy = false,
        SslOptions = new SslClientAuthenticationOptions
        {
            ClientCertificates = [_pki.Client],
            RemoteCertificateValidationCallback = (_, certificate, _, _) => ChainsToOurCa(certificate),
        },
    };

    private bool ChainsToOurCa(X509Certificate? certificate)
    {
        if (certificate is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_pki.Authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(presented);
    }

    /// <summary>Every member answers a linearizable read, which needs an elected leader and a quorum.</summary>
    private async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(StartTimeout.TotalSeconds * Stopwatch.Frequency);
        for (var i = 0; i < Clients.Count; i++)
        {
            while (true)
            {
                if (_members[i].HasExited)
                {
                    throw new InvalidOperationException($"etcd member m{i} exited with {_members[i].ExitCode}: {string.Join(" | ", _logs[i])}");
                }

                try
                {
                    await Clients[i].RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8("ready") }, deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: cancellationToken).ConfigureAwait(false);
                    break;
                }
                catch (RpcException) when (Stopwatch.GetTimestamp() < deadline)
                {
                    await Task.Delay(100, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }
}
