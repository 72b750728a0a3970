using Microsoft.Extensions.Logging;

namespace SecretFleet.KubeEmulator;

/// <summary>What every pod worker of the emulated kubelet shares.</summary>
internal sealed record KubeletContext(
    ResourceService Service,
    KubeletOptions Options,
    TimeProvider Time,
    PodAddressPool Addresses,
    VolumeDirectories Claims,
    HttpClient Probes,
    string RootDirectory,
    string PodsDirectory,
    ILogger Logger);
