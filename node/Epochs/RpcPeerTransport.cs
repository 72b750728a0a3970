using System.Collections.Concurrent;
using Grpc.Core;
using SecretFleet.Core.Identity;
using SecretFleet.Core.Protos;
using SecretFleet.Core.Retry;
using SecretFleet.Core.Rpc;

namespace SecretFleet.Node.Epochs;

/// <summary>
/// Peer calls over mTLS gRPC: a peer must present exactly the identity the operation names for
/// it (one channel per peer, pinned to that identity). A dealer's own batches are served
/// in-process. Transient failures (UNAVAILABLE, a helper not staged yet) are retried with
/// backoff for <see cref="RetryFor"/>; anything else fails the operation at once. Channels present the
/// node's current certificate: after a renewal, calls go over new channels (the old ones close with the transport).
/// </summary>
internal sealed class RpcPeerTransport(RenewableTls tls, byte ownX, Func<EpochParticipant> self, TimeProvider time) : IPeerTransport, IDisposable
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RetryFor = TimeSpan.FromSeconds(30);
    private static readonly Backoff UnavailableBackoff = new(TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(1));
    private readonly ConcurrentDictionary<(string Endpoint, string TlsName, string Identity, TlsMaterial Tls), Lazy<(Grpc.Net.Client.GrpcChannel Channel, Refresh.RefreshClient Client)>> _peers = new();

    public async Task<DealResponse> DealAsync(ParticipantInfo dealer, DealRequest request, CancellationToken cancellationToken) =>
        dealer.X == ownX
            ? SubShareBuffers.Detach(await self().DealAsync(request, tls.Current.Identity, cancellationToken).ConfigureAwait(false))
            : await CallAsync(dealer, "Deal", (client, options) => client.DealAsync(request, options), cancellationToken).ConfigureAwait(false);

    public Task<FetchRecoveredResponse> FetchRecoveredAsync(ParticipantInfo helper, FetchRecoveredRequest request, CancellationToken cancellationToken) =>
        CallAsync(helper, "FetchRecovered", (client, options) => client.FetchRecoveredAsync(request, options), cancellationToken);

    public Task<DealMaskResponse> DealMaskAsync(ParticipantInfo dealer, DealMaskRequest request, CancellationToken cancellationToken) =>
        CallAsync(dealer, "DealMask", (client, options) => client.DealMaskAsync(request, options), cancellationToken);

    public Task<DealerDigestsResponse> DealerDigestsAsync(ParticipantInfo dealer, DealerDigestsRequest request, CancellationToken cancellationToken) =>
        CallAsync(dealer, "DealerDigests", (client, options) => client.DealerDigestsAsync(request, options), cancellationToken);

    private async Task<TResponse> CallAsync<TResponse>(ParticipantInfo peer, string method, Func<Refresh.RefreshClient, CallOptions, AsyncUnaryCall<TResponse>> call, CancellationToken cancellationToken)
    {
        var client = _peers.GetOrAdd((peer.Endpoint, peer.TlsName, peer.Identity, tls.Current), key => new(() =>
        {
            var channel = FleetChannel.Create(new RpcChannelOptions
            {
                Address = new Uri(key.Endpoint),
                Tls = key.Tls,
                TlsServerName = key.TlsName,
                ExpectedServerRole = FleetRole.Node,
                ExpectedServerIdentity = FleetIdentity.Parse(key.Identity),
                MaxReceiveMessageBytes = 64 * 1024 * 1024,
            });
            return (channel, new Refresh.RefreshClient(channel));
        })).Value.Client;
        var giveUp = time.GetUtcNow() + RetryFor;
        var failures = 0;
        while (true)
        {
            try
            {
                return await call(client, new CallOptions(deadline: (time.GetUtcNow() + CallTimeout).UtcDateTime, cancellationToken: cancellationToken))
                    .ResultAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && time.GetUtcNow() < giveUp)
            {
                await Task.Delay(UnavailableBackoff.Delay(++failures), time, cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException e)
            {
                throw new OperationRejectedException(OperationRejection.Unavailable, $"Peer x {peer.X} answered {method} with {e.StatusCode.ToWireName()}: {e.Status.Detail}");
            }
        }
    }

    public void Dispose()
    {
        foreach (var peer in _peers.Values.Where(p => p.IsValueCreated))
        {
            peer.Value.Channel.Dispose();
        }
    }
}
