using System.Collections.Concurrent;
using Grpc.Core;
using SecretFleet.Core.Client;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Protos;
using SecretFleet.Core.Rpc;
using Coalescer = SecretFleet.Core.Client.CallCoalescer<SecretFleet.Core.Protos.PutShareRequest, SecretFleet.Core.Protos.PutShareResponse>;

namespace SecretFleet.Core.Tests.Client;

[Trait("Category", "Unit")]
public sealed class CallCoalescerTests
{
    [Fact]
    public async Task A_lone_put_goes_alone()
    {
        var node = new FakeNode();
        var coalescer = node.Coalescer();

        var stored = await coalescer.CallAsync(Put("lone"), default);

        Assert.Equal(7UL, stored.Epoch);
        Assert.Equal(["lone"], node.Alone);
        Assert.Empty(node.Batches);
    }

    [Fact]
    public async Task Puts_beyond_the_open_calls_leave_together_when_a_call_returns_and_each_keeps_its_own_outcome()
    {
        var node = new FakeNode { HoldAlone = true };
        node.Refuse("stale", ResharingWrites.ShapeMismatch(3, 7, 3, 5));
        node.Refuse("taken", new RpcException(new Status(StatusCode.PermissionDenied, "taken")));
        var coalescer = node.Coalescer();
        var open = Enumerable.Range(0, Coalescer.MaxOpenCalls).Select(i => coalescer.CallAsync(Put($"open-{i}"), default)).ToArray();
        var waiting = new[] { "fine", "stale", "taken" }.Select(name => coalescer.CallAsync(Put(name), default)).ToArray();
        Assert.Empty(node.Batches);

        node.ReleaseAlone();
        await Task.WhenAll(open);

        Assert.Equal(7UL, (await waiting[0]).Epoch);
        // The refusal's trailer survives the batch: the client still tells a reshared fleet from other failures.
        Assert.True(ResharingWrites.IsShapeMismatch(await Assert.ThrowsAsync<RpcException>(() => waiting[1])));
        Assert.Equal(StatusCode.PermissionDenied, (await Assert.ThrowsAsync<RpcException>(() => waiting[2])).StatusCode);
        Assert.Equal(["fine", "stale", "taken"], Assert.Single(node.Batches));
    }

    [Fact]
    public async Task A_full_batch_of_waiting_puts_leaves_at_once_without_waiting_for_an_open_call()
    {
        var node = new FakeNode { HoldAlone = true };
        var coalescer = node.Coalescer();
        var open = Enumerable.Range(0, Coalescer.MaxOpenCalls).Select(i => coalescer.CallAsync(Put($"open-{i}"), default)).ToArray();
        var names = Enumerable.Range(0, Coalescer.FullBatch).Select(i => $"full-{i}").ToArray();

        var full = names.Select(name => coalescer.CallAsync(Put(name), default)).ToArray();
        // Bounded: without the rule these would wait for the held calls forever.
        await Task.WhenAll(full).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(names, Assert.Single(node.Batches));
        Assert.All(open, call => Assert.False(call.IsCompleted));
        node.ReleaseAlone();
        await Task.WhenAll(open);
    }

    [Fact]
    public async Task A_waiting_put_that_is_cancelled_is_not_sent()
    {
        var node = new FakeNode { HoldAlone = true };
        var coalescer = node.Coalescer();
        var open = Enumerable.Range(0, Coalescer.MaxOpenCalls).Select(i => coalescer.CallAsync(Put($"open-{i}"), default)).ToArray();
        using var cancel = new CancellationTokenSource();
        var cancelled = coalescer.CallAsync(Put("cancelled"), cancel.Token);
        var kept = coalescer.CallAsync(Put("kept"), default);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        node.ReleaseAlone();
        await Task.WhenAll(open);
        await kept;

        Assert.Equal(["kept"], Assert.Single(node.Batches));
    }

    [Fact]
    public async Task A_batch_call_that_fails_fails_every_put_in_it_with_its_error()
    {
        var node = new FakeNode { HoldAlone = true, BatchFailure = new RpcException(new Status(StatusCode.Unavailable, "node down")) };
        var coalescer = node.Coalescer();

        await AssertBatchFailsAsync(node, coalescer, StatusCode.Unavailable);

        // Its place is given up: the next put goes alone again.
        node.HoldAlone = false;
        await coalescer.CallAsync(Put("after"), default);
        Assert.Contains("after", node.Alone);
    }

    [Fact]
    public async Task A_node_that_answers_another_number_of_outcomes_fails_the_whole_batch()
    {
        var node = new FakeNode { HoldAlone = true, DropOneOutcome = true };

        await AssertBatchFailsAsync(node, node.Coalescer(), StatusCode.Internal);
    }

    // Two puts wait behind the held open calls and leave in one batch once those return; both fail with `code`.
    private static async Task AssertBatchFailsAsync(FakeNode node, Coalescer coalescer, StatusCode code)
    {
        var open = Enumerable.Range(0, Coalescer.MaxOpenCalls).Select(i => coalescer.CallAsync(Put($"open-{i}"), default)).ToArray();
        var waiting = new[] { "a", "b" }.Select(name => coalescer.CallAsync(Put(name), default)).ToArray();

        node.ReleaseAlone();
        await Task.WhenAll(open);

        foreach (var put in waiting)
        {
            Assert.Equal(code, (await Assert.ThrowsAsync<RpcException>(() => put)).StatusCode);
        }
    }

    private static PutShareRequest Put(string name) => new() { Name = name, Version = 1, Share = Google.Protobuf.ByteString.CopyFrom(new byte[16]) };

    private sealed class FakeNode
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Dictionary<string, RpcException> _refusals = [];

        public bool HoldAlone { get; set; }

        public bool DropOneOutcome { get; init; }

        public RpcException? BatchFailure { get; init; }

        public ConcurrentQueue<string> Alone { get; } = new();

        public ConcurrentQueue<string[]> Batches { get; } = new();

        public void Refuse(string name, RpcException error) => _refusals[name] = error;

        public void ReleaseAlone() => _release.TrySetResult();

        public Coalescer Coalescer() => new(PutOneAsync, PutManyAsync, request => request.Share.Length);

        private async Task<PutShareResponse> PutOneAsync(PutShareRequest request, CancellationToken cancellationToken)
        {
            Alone.Enqueue(request.Name);
            if (HoldAlone)
            {
                await _release.Task.WaitAsync(cancellationToken);
            }
            return new PutShareResponse { Epoch = 7 };
        }

        private async Task<IReadOnlyList<BatchOutcome<PutShareResponse>>> PutManyAsync(IReadOnlyList<PutShareRequest> puts)
        {
            await Task.Yield();
            Batches.Enqueue([.. puts.Select(p => p.Name)]);
            if (BatchFailure is not null)
            {
                throw BatchFailure;
            }
            return [.. puts.Skip(DropOneOutcome ? 1 : 0).Select(put => _refusals.TryGetValue(put.Name, out var refusal)
                ? new BatchOutcome<PutShareResponse>(null, CallFailures.Of(refusal))
                : new BatchOutcome<PutShareResponse>(new PutShareResponse { Epoch = 7 }, null))];
        }
    }
}
