using System.Text;
using k8s;

namespace SecretFleet.KubeEmulator.Tests.KubeletTests;

/// <summary><c>pods/portforward</c> as the official client speaks it: a WebSocket per connection to a pod's port.</summary>
[Trait("Category", "Cluster")]
public sealed class PortForwardTests
{
    [Fact]
    public async Task The_official_client_reaches_a_pod_port_through_the_api_server_and_is_refused_for_a_missing_pod()
    {
        await using var world = await KubeletWorld.StartAsync();
        await world.ApplyFleetAsync("fleet", replicas: 1, threshold: 1);
        await world.WaitForReadyPodsAsync("fleet", 1);
        using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(world.Kubeconfig));

        var response = await GetThroughForwardAsync(client, "fleet-0", 8080, "/healthz");
        var missing = await Assert.ThrowsAnyAsync<Exception>(() => client.WebSocketNamespacedPodPortForwardAsync("fleet-9", KubeletWorld.Namespace, [8080], "v4.channel.k8s.io"));

        Assert.StartsWith("HTTP/1.1 200", response);
        Assert.Contains("404", missing.ToString());
    }

    private static async Task<string> GetThroughForwardAsync(Kubernetes client, string pod, int port, string path)
    {
        using var socket = await client.WebSocketNamespacedPodPortForwardAsync(pod, KubeletWorld.Namespace, [port], "v4.channel.k8s.io");
        using var demuxer = new StreamDemuxer(socket, StreamType.PortForward);
        using var stream = demuxer.GetStream((byte?)0, (byte?)0);
        using var errors = demuxer.GetStream((byte?)1, null);
        demuxer.Start();
        var request = Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: pod\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(request);
        using var response = new MemoryStream();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await stream.CopyToAsync(response, deadline.Token);
        using var error = new MemoryStream();
        await errors.CopyToAsync(error, deadline.Token);
        return Encoding.ASCII.GetString(response.ToArray()) + (error.Length > 0 ? "\nerror channel: " + Encoding.UTF8.GetString(error.ToArray()) : "");
    }
}
