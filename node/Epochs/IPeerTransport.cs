using SecretFleet.Core.Protos;

namespace SecretFleet.Node.Epochs;

/// <summary>How a node reaches its peers during an operation (mTLS gRPC in production, in-process in tests).</summary>
internal interface IPeerTransport
{
    Task<DealResponse> DealAsync(ParticipantInfo dealer, DealRequest request, CancellationToken cancellationToken);

    Task<FetchRecoveredResponse> FetchRecoveredAsync(ParticipantInfo helper, FetchRecoveredRequest request, CancellationToken cancellationToken);

    Task<DealMaskResponse> DealMaskAsync(ParticipantInfo dealer, DealMaskRequest request, CancellationToken cancellationToken);

    Task<DealerDigestsResponse> DealerDigestsAsync(ParticipantInfo dealer, DealerDigestsRequest request, CancellationToken cancellationToken);
}
