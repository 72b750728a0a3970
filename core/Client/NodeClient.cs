using Grpc.Health.V1;
using Grpc.Net.Client;
using SecretFleet.Core.Protos;

namespace SecretFleet.Core.Client;

/// <summary>The generated clients of one node's services, over that node's one channel.</summary>
internal sealed class NodeClient(GrpcChannel channel) : IDisposable
{
    public Shares.SharesClient Shares { get; } = new(channel);

    public Refresh.RefreshClient Refresh { get; } = new(channel);

    public Admin.AdminClient Admin { get; } = new(channel);

    public Health.HealthClient Health { get; } = new(channel);

    public void Dispose() => channel.Dispose();
}
