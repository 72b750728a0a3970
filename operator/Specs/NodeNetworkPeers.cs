namespace SecretFleet.Operator.Specs;

/// <summary>Who besides a fleet's own nodes and clients may reach its node pods, as the operator is configured.</summary>
/// <param name="OperatorNamespace">The namespace the operator's pods run in (they dial every node on the gRPC port).</param>
/// <param name="MetricsNamespace">The namespace whose pods may reach the nodes' plain-HTTP port (metrics and probes).</param>
internal sealed record NodeNetworkPeers(string OperatorNamespace, string MetricsNamespace);
