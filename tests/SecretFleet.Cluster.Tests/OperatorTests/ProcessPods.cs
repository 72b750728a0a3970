using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using SecretFleet.Kube;
using SecretFleet.Kube.Models;

namespace SecretFleet.Cluster.Tests.OperatorTests;

/// <summary>
/// Just enough of a kubelet for the operator's own end-to-end tests, until the emulated kubelet lands: runs the
/// StatefulSet's ordinals as real secretfleet-node processes on their own loopback address (127.x.y.i+1, fixed
/// ports 7443/8080 as in a pod), with the TLS and key Secrets written to files, and publishes a Ready Pod with
/// that address. Data directories survive a process restart. Not a general kubelet: no probes, no restarts.
/// </summary>
internal sealed class ProcessPods(OperatorWorld world, string cluster, string directory) : IAsyncDisposable
{
    private readonly Dictionary<int, Process> processes = [];
    private readonly string subnet = $"127.{RandomNumberGenerator.GetInt32(100, 250)}.{RandomNumberGenerator.GetInt32(1, 250)}";

    public string Address(int ordinal) => $"{subnet}.{ordinal + 1}";

    /// <summary>Starts a node for every ordinal below the StatefulSet's replicas that has none, and publishes its Pod.</summary>
    public async Task SyncAsync()
    {
        var statefulSet = await world.Api.GetAsync<StatefulSet>("default", cluster, CancellationToken.None)
            ?? throw new InvalidOperationException($"StatefulSet {cluster} does not exist yet.");
        var replicas = (int)statefulSet.Spec!["replicas"]!;
        var threshold = statefulSet.Metadata.Annotation(LabelsAndAnnotations.FleetThreshold)!;
        for (var ordinal = 0; ordinal < replicas; ordinal++)
        {
            if (!processes.ContainsKey(ordinal))
            {
                processes[ordinal] = await StartAsync(ordinal, threshold);
                await PublishPodAsync(statefulSet, ordinal);
            }
        }
    }

    /// <summary>A fleet client with the cluster's client certificate (Secret NAME-client-tls), verifying each node's TLS name.</summary>
    public async Task<Core.Client.FleetClient> ClientAsync(int replicas, int threshold)
    {
        var secret = await world.Api.GetAsync<Secret>("default", $"{cluster}-client-tls", CancellationToken.None);
        string Pem(string key) => System.Text.Encoding.UTF8.GetString(secret!.Data![key]);
        var tls = Core.Identity.TlsMaterial.FromPem(Pem("tls.crt"), Pem("tls.key"), Pem("ca.crt"));
        var members = Enumerable.Range(0, replicas)
            .Select(o => new Core.Epochs.FleetMember((byte)(o + 1), new Uri($"https://{Address(o)}:7443"), $"{cluster}-{o}.{cluster}-nodes.default.svc",
                new Core.Identity.FleetIdentity(tls.Identity.TrustDomain, Core.Identity.FleetRole.Node, cluster)))
            .ToList();
        return new Core.Client.FleetClient(new Core.Client.FleetClientOptions(members, threshold, tls));
    }

    /// <summary>GET /readyz of a node: its epoch and whether it holds shares.</summary>
    public async Task<JsonNode> ReadyzAsync(int ordinal)
    {
        using var http = new HttpClient();
        return JsonNode.Parse(await http.GetStringAsync(new Uri($"http://{Address(ordinal)}:8080/readyz")))!;
    }

    private async Task<Process> StartAsync(int ordinal, string threshold)
    {
        var root = Path.Combine(directory, $"{cluster}-{ordinal}");
        var tls = Path.Combine(root, "tls");
        Directory.CreateDirectory(tls);
        Directory.CreateDirectory(Path.Combine(root, "data"));
        var tlsSecret = await world.Api.GetAsync<Secret>("default", $"{cluster}-node-tls", CancellationToken.None);
        foreach (var (file, bytes) in tlsSecret!.Data!)
        {
            await File.WriteAllBytesAsync(Path.Combine(tls, file), bytes);
        }

        var keys = await world.Api.GetAsync<Secret>("default", $"{cluster}-node-keys", CancellationToken.None);
        var keyFile = Path.Combine(root, "node.key");
        await File.WriteAllBytesAsync(keyFile, keys!.Data![$"node-{ordinal}.key"]);

        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "secretfleet-node"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "--cluster", cluster, "--ordinal", ordinal.ToString(CultureInfo.InvariantCulture), "--threshold", threshold,
            "--data-dir", Path.Combine(root, "data"), "--tls-dir", tls, "--key-file", keyFile,
            "--listen", $"{Address(ordinal)}:7443", "--http-listen", $"{Address(ordinal)}:8080",
        })
        {
            start.ArgumentList.Add(arg);
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

        throw new InvalidOperationException($"Node {cluster}-{ordinal} exited before it was ready: {await errors}");
    }

    private async Task PublishPodAsync(StatefulSet statefulSet, int ordinal)
    {
        var template = statefulSet.Spec!["template"]!;
        var pod = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject
            {
                ["name"] = $"{cluster}-{ordinal}",
                ["namespace"] = "default",
                ["labels"] = template["metadata"]!["labels"]!.DeepClone(),
                ["ownerReferences"] = new JsonArray(new JsonObject
                {
                    ["apiVersion"] = "apps/v1", ["kind"] = "StatefulSet", ["name"] = cluster, ["uid"] = statefulSet.Metadata.Uid, ["controller"] = true,
                }),
            },
            ["spec"] = template["spec"]!.DeepClone(),
        };
        await world.Api.CreateAsync(KubeResources.Pods, new KubeObject("v1", "Pod", System.Text.Json.JsonSerializer.Deserialize<ObjectMeta>(pod["metadata"]!.ToJsonString(), Kube.Json.KubeJson.Options)!, new JsonObject { ["spec"] = pod["spec"]!.DeepClone() }), CancellationToken.None);
        var status = new JsonObject
        {
            ["status"] = new JsonObject
            {
                ["phase"] = "Running",
                ["podIP"] = Address(ordinal),
                ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "True" }),
            },
        };
        await world.Api.PatchStatusAsync<Pod>("default", $"{cluster}-{ordinal}", KubePatch.Merge(status), CancellationToken.None);
    }

    /// <summary>Kills a node's process (its pod object stays: this is not a kubelet).</summary>
    public void Stop(int ordinal)
    {
        processes[ordinal].Kill(entireProcessTree: true);
        processes[ordinal].WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in processes.Values)
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
