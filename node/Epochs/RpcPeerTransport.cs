using System.Collections.Concurrent;
using Google.Protobuf;
using SecretFleet.Core.Identity;
using SecretFleet.Core.Protos;
using SecretFleet.Core.Retry;
using SecretFleet.Core.Rpc;

namespace SecretFleet.Node.Epochs;

/// <summary>
/// Peer calls over mTLS gRPC: a peer must present exactly the identity the operation names for
/// it. A dealer's own batches are served in-process. Transient failures (UNAVAILABLE, a helper
/// not staged yet) are retried with backoff for <see cref="RetryFor"/>; anything else fails the
/// operation at once.
/// </summary>
internal sealed class RpcPeerTransport(TlsMaterial tls, byte ownX, Func<EpochParticipant> self, TimeProvider time) : IPeerTransport, IDisposable
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RetryFor = TimeSpan.FromSeconds(30);
    private static readonly Backoff UnavailableBackoff = new(TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(1));
    private readonly ConcurrentDictionary<(string Endpoint, string TlsName, string Identity), RpcChannel> _channels = new();

    public async Task<DealResponse> DealAsync(ParticipantInfo dealer, DealRequest request, CancellationToken cancellationToken) =>
        dealer.X == ownX
            ? SubShareBuffers.Detach(await self().DealAsync(request, tls.Identity, cancellationToken).ConfigureAwait(false))
            : await CallAsync(dealer, "Deal", request, DealResponse.Parser, cancellationToken).ConfigureAwait(false);

    public Task<FetchRecoveredResponse> FetchRecoveredAsync(ParticipantInfo helper, FetchRecoveredRequest request, CancellationToken cancellationToken) =>
        CallAsync(helper, "FetchRecovered", request, FetchRecoveredResponse.Parser, cancellationToken);

    private async Task<TResponse> CallAsync<TRequest, TResponse>(ParticipantInfo peer, string method, TRequest request, MessageParser<TResponse> parser, CancellationToken cancellationToken)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>
    {
        var channel = _channels.GetOrAdd((peer.Endpoint, peer.TlsName, peer.Identity), key => new RpcChannel(new RpcChannelOptions
        {
            Address = new Uri(key.Endpoint),
            Tls = tls,
            TlsServerName = key.TlsName,
            ExpectedServerRole = FleetRole.Node,
            ExpectedServerIdentity = FleetIdentity.Parse(key.Identity),
            MaxReceiveMessageBytes = 64 * 1024 * 1024,
            TimeProvider = time,
        }));
        var giveUp = time.GetUtcNow() + RetryFor;
        var failures = 0;
        while (true)
        {
            try
            {
                return await channel.UnaryAsync(RefreshServiceName, method, request, parser, new RpcCallOptions(CallTimeout), cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException e) when (e.StatusCode == RpcStatusCode.Unavailable && time.GetUtcNow() < giveUp)
            {
                await Task.Delay(UnavailableBackoff.Delay(++failures), time, cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException e)
            {
                throw new OperationRejectedException(OperationRejection.Unavailable, $"Peer x {peer.X} answered {method} with {e.StatusCode.ToWireName()}: {e.Detail}");
            }
        }
    }

    private const string RefreshServiceName = "secretfleet.v1.Refresh";

    public void Dispose()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }
    }
}
