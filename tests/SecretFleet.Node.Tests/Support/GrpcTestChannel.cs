using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using SecretFleet.Core.Rpc;

namespace SecretFleet.Node.Tests.Support;

/// <summary>
/// A fleet channel (<see cref="FleetChannel"/>) that calls any method by name, for what the
/// generated clients cannot express: methods the node does not have, other identities' calls.
/// </summary>
internal sealed class GrpcTestChannel(RpcChannelOptions options) : IDisposable
{
    private readonly GrpcChannel _channel = FleetChannel.Create(options);

    public GrpcChannel Channel => _channel;

    public async Task<TResponse> UnaryAsync<TRequest, TResponse>(string service, string method, TRequest request, MessageParser<TResponse> parser, TimeSpan timeout, CancellationToken cancellationToken)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var descriptor = new Method<TRequest, TResponse>(MethodType.Unary, service, method,
            Marshallers.Create<TRequest>(r => r.ToByteArray(), _ => throw new NotSupportedException()),
            Marshallers.Create(_ => throw new NotSupportedException(), parser.ParseFrom));
        using var call = _channel.CreateCallInvoker().AsyncUnaryCall(descriptor, null, new CallOptions(deadline: DateTime.UtcNow + timeout, cancellationToken: cancellationToken), request);
        return await call.ResponseAsync;
    }

    public void Dispose() => _channel.Dispose();
}
