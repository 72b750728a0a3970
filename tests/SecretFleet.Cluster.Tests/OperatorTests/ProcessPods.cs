using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using k8s.Models;
using SecretFleet.Kube;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Cluster.Tests.OperatorTests;

/// <summary>
/// Just enough of a kubelet for the operator's own end-to-end tests: runs each node pod the operator made as a real
/// secretfleet-node process on its own loopback address (127.x.y.i+1, fixed ports 7443/8080 as in a pod), with
/// exactly the Secrets that pod's spec mounts written to files at its mount paths (so a pod given another node's
/// Secret would run with it), and publishes the pod Ready with that address. A pod's volume directory is kept per
/// PVC, so data survives a process restart. Not a general kubelet: no probes, no restarts.
/// </summary>
internal sealed class ProcessPods(OperatorWorld world, string cluster, string directory) : IAsyncDisposable
{
    private readonly Dictionary<int, Process> _processes = [];
    private readonly string _subnet = $"127.{RandomNumberGenerator.GetInt32(100, 250)}.{RandomNumberGenerator.GetInt32(1, 250)}";
    private readonly ChildNames _names = new("default", cluster);

    public string Address(int ordinal) => $"{_subnet}.{ordinal + 1}";

    /// <summary>Starts a node for every pod of the cluster that has none yet, and publishes it Ready.</summary>
    public async Task SyncAsync()
    {
        var pods = await world.Api.ListAsync<V1Pod>("default", new ListOptions { LabelSelector = $"{LabelsAndAnnotations.Cluster}={cluster}" }, CancellationToken.None);
        foreach (var pod in pods.Items.Where(p => p.Metadata.DeletionTimestamp is null))
        {
            if (_names.PodOrdinal(pod.Metadata.Name!) is { } ordinal && !_processes.ContainsKey(ordinal))
            {
                _processes[ordinal] = await StartAsync(pod, ordinal);
                await PublishReadyAsync(pod, ordinal);
            }
        }
    }

    /// <summary>A fleet client with the cluster's client certificate (Secret NAME-client-tls), expecting each node's own name and identity.</summary>
    public async Task<Core.Client.FleetClient> ClientAsync(int replicas, int threshold, IReadOnlyList<int>? ordinals = null)
    {
        var secret = await world.Api.GetAsync<V1Secret>("default", _names.ClientTlsSecret, CancellationToken.None);
        string Pem(string key) => System.Text.Encoding.UTF8.GetString(secret!.Data![key]);
        var tls = Core.Identity.TlsMaterial.FromPem(Pem("tls.crt"), Pem("tls.key"), Pem("ca.crt"));
        var members = (ordinals ?? [.. Enumerable.Range(0, replicas)])
            .Select(o => new Core.Epochs.FleetMember((byte)(o + 1), new Uri($"https://{Address(o)}:7443"), _names.PodTlsName(o),
                new Core.Identity.FleetIdentity(tls.Identity.TrustDomain, Core.Identity.FleetRole.Node, _names.NodeIdentityName(o))))
            .ToList();
        return new Core.Client.FleetClient(new Core.Client.FleetClientOptions(members, threshold, tls));
    }

    /// <summary>GET /readyz of a node: its epoch and whether it holds shares.</summary>
    public async Task<JsonNode> ReadyzAsync(int ordinal)
    {
        using var http = new HttpClient();
        return JsonNode.Parse(await http.GetStringAsync(new Uri($"http://{Address(ordinal)}:8080/readyz")))!;
    }

    private async Task<Process> StartAsync(V1Pod pod, int ordinal)
    {
        var root = Path.Combine(directory, _names.Pod(ordinal));
        var mounts = new List<(string MountPath, string HostPath)>();
        var container = pod.Spec.Containers[0];
        foreach (var mount in container.VolumeMounts)
        {
            var volume = pod.Spec.Volumes.Single(v => v.Name == mount.Name);
            string host;
            if (volume.PersistentVolumeClaim?.ClaimName is { } claim)
            {
                host = Path.Combine(directory, "claims", claim);
                Directory.CreateDirectory(host);
            }
            else
            {
                var secretName = volume.Secret.SecretName;
                var secret = await world.Api.GetAsync<V1Secret>("default", secretName, CancellationToken.None)
                    ?? throw new InvalidOperationException($"Pod {pod.Metadata.Name} mounts Secret {secretName}, which does not exist.");
                host = Path.Combine(root, mount.Name);
                Directory.CreateDirectory(host);
                foreach (var (file, bytes) in secret.Data!)
                {
                    await File.WriteAllBytesAsync(Path.Combine(host, file), bytes);
                }
            }

            mounts.Add((mount.MountPath, host));
        }

        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "secretfleet-node"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in container.Args)
        {
            // What the container would see at its own paths and addresses, remapped to this pod's directories and IP.
            var mounted = mounts.Where(m => arg.StartsWith(m.MountPath, StringComparison.Ordinal)).OrderByDescending(m => m.MountPath.Length).FirstOrDefault();
            start.ArgumentList.Add(mounted.MountPath is not null ? mounted.HostPath + arg[mounted.MountPath.Length..]
                : arg.StartsWith("0.0.0.0:", StringComparison.Ordinal) ? Address(ordinal) + arg["0.0.0.0".Length..]
                : arg);
        }

        var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
        {
            if (line.StartsWith("secretfleet-node ready", StringComparison.Ordinal))
            {
                // Keep draining stdout so the node never blocks on a full pipe.
                _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                return process;
            }
        }

        throw new InvalidOperationException($"Node {pod.Metadata.Name} exited before it was ready: {await errors}");
    }

    private async Task PublishReadyAsync(V1Pod pod, int ordinal)
    {
        var status = new JsonObject
        {
            ["status"] = new JsonObject
            {
                ["phase"] = "Running",
                ["podIP"] = Address(ordinal),
                ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "True" }),
            },
        };
        await world.Api.PatchStatusAsync<V1Pod>("default", pod.Metadata.Name!, KubePatch.Merge(status), CancellationToken.None);
    }

    /// <summary>Kills a node's process (its pod object stays: this is not a kubelet).</summary>
    public void Stop(int ordinal)
    {
        _processes[ordinal].Kill(entireProcessTree: true);
        _processes[ordinal].WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes.Values)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }
    }
}
