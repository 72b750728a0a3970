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
    public async Task PutMany_gives_each_put_its_own_outcome_and_zeroes_every_share_it_received()
    {
        await _service.Put(Put("many-taken", RandomNumberGenerator.GetBytes(64)), Context(new RecordingResponse()));
        var (stored, refused, invalid) = (RandomNumberGenerator.GetBytes(64), RandomNumberGenerator.GetBytes(64), RandomNumberGenerator.GetBytes(64));
        var kept = stored.ToArray();
        var wrongX = Put("many-wrong-x", invalid);
        wrongX.X = 2;

        var answer = await _service.PutMany(new PutManyRequest { Puts = { Put("many-stored", stored), Put("many-taken", refused, createOnly: true), wrongX } }, Context(new RecordingResponse()));

        Assert.Equal(3, answer.Outcomes.Count);
        Assert.NotNull(answer.Outcomes[0].Stored);
        Assert.Equal(StatusCode.AlreadyExists, (StatusCode)answer.Outcomes[1].Failure.Code);
        Assert.Equal(StatusCode.InvalidArgument, (StatusCode)answer.Outcomes[2].Failure.Code);
        Assert.Equal(kept, (await _store.GetAsync(Alice.ToString(), "many-stored", 0, default)).Share!.Share);
        Assert.All(new[] { stored, refused, invalid }, share => Assert.True(share.AsSpan().IndexOfAnyExcept((byte)0) < 0, "a request's share bytes are still there"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(SharesService.MaxCallsPerBatch + 1)]
    public async Task PutMany_refuses_an_empty_call_or_one_over_the_limit_and_stores_nothing(int count)
    {
        var request = new PutManyRequest();
        request.Puts.AddRange(Enumerable.Range(0, count).Select(i => Put($"over-{i}", RandomNumberGenerator.GetBytes(16))));

        var error = await Assert.ThrowsAsync<RpcException>(() => _service.PutMany(request, Context(new RecordingResponse())));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(ReadStatus.NotFound, (await _store.GetAsync(Alice.ToString(), "over-0", 0, default)).Status);
    }

    [Fact]
    public async Task GetMany_gives_each_get_its_own_outcome_and_zeroes_every_share_it_sent_once_the_response_is_complete()
    {
        var (first, second) = (RandomNumberGenerator.GetBytes(64), RandomNumberGenerator.GetBytes(64));
        await _service.Put(Put("many-first", first.ToArray()), Context(new RecordingResponse()));
        await _service.Put(Put("many-second", second.ToArray()), Context(new RecordingResponse()));
        var response = new RecordingResponse();

        var answer = await _service.GetMany(new GetManyRequest { Gets = { new GetShareRequest { Name = "many-first" }, new GetShareRequest { Name = "many-missing" }, new GetShareRequest { Name = "many-second" } } }, Context(response));

        Assert.Equal(first, answer.Outcomes[0].Found.Share.ToByteArray());
        Assert.Equal(StatusCode.NotFound, (StatusCode)answer.Outcomes[1].Failure.Code);
        Assert.Equal(second, answer.Outcomes[2].Found.Share.ToByteArray());
        await response.CompleteAsync();
        Assert.All(new[] { answer.Outcomes[0].Found, answer.Outcomes[2].Found }, found => Assert.True(found.Share.Span.IndexOfAnyExcept((byte)0) < 0, "an opened share outlived the response"));
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
