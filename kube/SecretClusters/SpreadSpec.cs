using System.ComponentModel;

namespace SecretFleet.Kube.SecretClusters;

/// <summary>Where node pods may run relative to each other: the point of a fleet is that no one machine holds threshold shares.</summary>
public sealed record SpreadSpec
{
    [Description("Node pods across hosts (kubernetes.io/hostname). Required (default): no two nodes of this fleet share a host, and a node without a host of its own stays Pending. Preferred: apart when possible, for clusters with fewer hosts than nodes (single-host test clusters); the SharedHost condition says when nodes do share a host. None: no rule.")]
    [DefaultValue(SpreadRule.Required)]
    public SpreadRule Hosts { get; init; } = SpreadRule.Required;

    [Description("Node pods across zones (topology.kubernetes.io/zone): None (default), Preferred or Required.")]
    [DefaultValue(SpreadRule.None)]
    public SpreadRule Zones { get; init; } = SpreadRule.None;
}
