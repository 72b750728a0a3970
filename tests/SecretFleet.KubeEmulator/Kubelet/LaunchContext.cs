using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>Everything <see cref="ContainerLaunch"/> needs to turn a pod's container into a process on this machine.</summary>
internal sealed record LaunchContext(
    JsonObject Pod,
    JsonObject Container,
    string PodIp,
    string HostIp,
    IReadOnlyDictionary<string, string> VolumePaths,
    string NodeBinary,
    string PodDirectory,
    Func<GroupResource, string, JsonObject?> Lookup,
    IReadOnlyDictionary<string, string> HostEnvironment);
