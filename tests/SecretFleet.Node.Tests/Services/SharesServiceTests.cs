using System.Net;
using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using SecretFleet.Core.Identity;
using SecretFleet.Core.Protos;
using SecretFleet.Node.Hosting;
using SecretFleet.Node.Services;
using SecretFleet.Node.Storage;
using SecretFleet.Node.Tests.Support;

namespace SecretFleet.Node.Tests.Services;

/// <summary>The node's share handlers leave no plaintext share behind once a call is done.</summary>
[Trait("Category", "Unit")]
public sealed class SharesServiceTests : IAsyncLifetime
{
    private static readonly FleetIdentity Alice = new("test.local", FleetRole.Client, "alice");
    private readonly TempDirectory _dir = new();
    private ShareStore _store = null!;
    private SharesService _service = null!;

    public async Task InitializeAsync()
    {
        _store = await ShareStore.OpenAsync(_dir.Combine("data"), NodeKey.FromBytes(RandomNumberGenerator.GetBytes(NodeKey.KeyBytes)), 1, TimeProvider.System, CancellationToken.None);
        await _store.JoinAsync("fleet-test", 0, "test", CancellationToken.None);
        _service = new SharesService(_store, new NodeOptions
        {
            Cluster = "test", Ordinal = 0, Threshold = 2, DataDirectory = _dir.Combine("data"), TlsDirectory = _dir.Path, KeyFile = _dir.Combine("key"),
            GrpcEndpoint = new IPEndPoint(IPAddress.Loopback, 0), HttpEndpoint = new IPEndPoint(IPAddress.Loopback, 0),
        });
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Put_zeroes_the_share_it_received_once_it_is_stored()
    {
        var share = RandomNumberGenerator.GetBytes(64);
        var received = share.ToArray();

        await _service.Put(Put("wiped-put", received), Context(new RecordingResponse()));

        Assert.True(received.AsSpan().IndexOfAnyExcept((byte)0) < 0, "the request's share bytes are still there");
        Assert.Equal(share, (await _store.GetAsync(Alice.ToString(), "wiped-put", 0, default)).Share!.Share);
    }

    [Fact]
    public async Task Put_zeroes_the_share_it_received_when_the_write_is_refused()
    {
        await _service.Put(Put("taken", RandomNumberGenerator.GetBytes(64)), Context(new RecordingResponse()));
        var received = RandomNumberGenerator.GetBytes(64);

        await Assert.ThrowsAsync<RpcException>(() => _service.Put(Put("taken", received, createOnly: true), Context(new RecordingResponse())));

        Assert.True(received.AsSpan().IndexOfAnyExcept((byte)0) < 0, "the refused request's share bytes are still there");
    }

    [Fact]
    public async Task Get_zeroes_the_share_it_sent_once_the_response_is_complete()
    {
        var share = RandomNumberGenerator.GetBytes(64);
        await _service.Put(Put("wiped-get", share.ToArray()), Context(new RecordingResponse()));
        var response = new RecordingResponse();

        var answer = await _service.Get(new GetShareRequest { Name = "wiped-get" }, Context(response));
        Assert.Equal(share, answer.Share.ToByteArray());
        await response.CompleteAsync();

        Assert.True(answer.Share.Span.IndexOfAnyExcept((byte)0) < 0, "the opened share outlived the response");
    }

    private static PutShareRequest Put(string name, byte[] share, bool createOnly = false) => new()
    {
        Name = name, Version = 1, X = 1, Threshold = 2, CreateOnly = createOnly,
        Share = UnsafeByteOperations.UnsafeWrap(share), Commitment = ByteString.CopyFrom(SHA256.HashData(share)),
    };

    private static TestCallContext Context(RecordingResponse response)
    {
        var http = new DefaultHttpContext();
        http.Features.Set<IHttpResponseFeature>(response);
        return new TestCallContext("/secretfleet.v1.Shares/Test", Alice, http);
    }

    /// <summary>Keeps what the handler registers to run after the response, as Kestrel would, and runs it on demand.</summary>
    private sealed class RecordingResponse : HttpResponseFeature
    {
        private readonly List<(Func<object, Task> Callback, object State)> _completed = [];

        public override void OnCompleted(Func<object, Task> callback, object state) => _completed.Add((callback, state));

        public async Task CompleteAsync()
        {
            foreach (var (callback, state) in _completed)
            {
                await callback(state);
            }
        }
    }
}
