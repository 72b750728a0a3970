namespace SecretFleet.Node.Hosting;

/// <summary>Where a started node listens: the mTLS gRPC server (the host's own) and the plain HTTP one.</summary>
internal sealed class NodeEndpoints(IServiceProvider services, NodeProbeServer probes)
{
    public Uri Grpc => BoundAddress.Of(services, "https");

    public Uri Http => probes.Address;
}
