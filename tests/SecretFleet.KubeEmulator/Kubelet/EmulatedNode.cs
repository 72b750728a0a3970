using Microsoft.Extensions.Logging;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// Plugs one emulated node into an emulator: the StatefulSet controller, the volume controller, the kubelet (which
/// also schedules), <c>pods/log</c> and <c>pods/portforward</c>. The emulator's controller host disposes the kubelet, killing its processes.
/// </summary>
internal static class EmulatedNode
{
    public static Kubelet Attach(ApiServerEmulator emulator, KubeletOptions options, TimeProvider time, ILoggerFactory loggers)
    {
        var temporary = options.RootDirectory is null ? Path.Combine(Path.GetTempPath(), "sf-kubelet-" + Guid.NewGuid().ToString("N")[..12]) : null;
        var root = Directory.CreateDirectory(options.RootDirectory ?? temporary!).FullName;
        var claims = new VolumeDirectories(Directory.CreateDirectory(Path.Combine(root, "volumes")).FullName);
        var probes = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(5), UseProxy = false })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var context = new KubeletContext(emulator.Service, options, time, new PodAddressPool(), claims, probes, root,
            Directory.CreateDirectory(Path.Combine(root, "pods")).FullName, loggers.CreateLogger<Kubelet>());
        var kubelet = new Kubelet(context, temporary);
        emulator.AddController(new StatefulSetController(emulator.Service));
        emulator.AddController(new PersistentVolumeController(emulator.Service, claims));
        emulator.AddController(kubelet);
        emulator.MapSubresource(BuiltInResources.Pods, "log", new PodLogSubresource(emulator.Service, kubelet, time));
        emulator.MapSubresource(BuiltInResources.Pods, "portforward", new PodPortForwardSubresource(emulator.Service, kubelet));
        return kubelet;
    }
}
