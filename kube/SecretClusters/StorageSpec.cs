using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using SecretFleet.Kube.Json;

namespace SecretFleet.Kube.SecretClusters;

public sealed record StorageSpec
{
    [Description("Size of each node's volume.")]
    [DefaultValue("1Gi")]
    public Quantity Size { get; init; } = new("1Gi");

    [Description("Storage class of the volumes; the cluster default when omitted.")]
    [MinLength(1)]
    public string? StorageClassName { get; init; }
}
