using SecretFleet.Core.Protos;
using SecretFleet.Node.Epochs;

namespace SecretFleet.Node.Tests.Epochs;

/// <summary>A receiver's pull of a batch its dealer is not ready to serve yet.</summary>
[Trait("Category", "Unit")]
public sealed class WindowWaitTests
{
    [Fact]
    public async Task A_receiver_asks_again_while_the_dealer_answers_not_ready_and_takes_the_batch_that_follows()
    {
        var batch = new DealResponse { Batch = 7, Values = Google.Protobuf.ByteString.CopyFrom(new byte[16]) };
        var peers = new ScriptedDealer(WindowWait.NotReady(7), WindowWait.NotReady(7), batch);
        var dealer = DealerAt(2);

        var received = await peers.DealWhenReadyAsync(dealer, new DealRequest { OperationId = "op", ReceiverX = 1, Batch = 7 }, CancellationToken.None);

        Assert.Same(batch, received);
        Assert.Equal(3, peers.Calls);
    }

    [Fact]
    public async Task A_dealer_that_never_gets_ready_is_left_when_the_operation_is_cancelled()
    {
        var peers = new ScriptedDealer(WindowWait.NotReady(0));
        var dealer = DealerAt(2);
        using var cancel = new CancellationTokenSource();

        var pulling = peers.DealWhenReadyAsync(dealer, new DealRequest { OperationId = "op", ReceiverX = 1, Batch = 0 }, cancel.Token);
        await peers.AskedAgain.WaitAsync(TimeSpan.FromSeconds(30));
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pulling);
    }

    [Fact]
    public async Task A_dealer_that_stays_not_ready_past_the_limit_fails_the_pull_and_is_named()
    {
        var peers = new ScriptedDealer(WindowWait.NotReady(3));
        var dealer = DealerAt(4);

        var failure = await Assert.ThrowsAsync<OperationRejectedException>(() =>
            peers.DealWhenReadyAsync(dealer, new DealRequest { OperationId = "op", ReceiverX = 1, Batch = 3 }, CancellationToken.None, giveUpAfter: TimeSpan.FromMilliseconds(300)));

        Assert.Equal(OperationRejection.Unavailable, failure.Reason);
        Assert.Contains("Peer x 4", failure.Message, StringComparison.Ordinal);
        Assert.Contains("batch 3", failure.Message, StringComparison.Ordinal);
        Assert.True(peers.Calls >= 2);
    }

    private static ParticipantInfo DealerAt(byte x) => new(x, "https://localhost:1", "localhost", $"spiffe://test/node/{x}");

    // Answers from the script in order, repeating the last one.
    private sealed class ScriptedDealer(params DealResponse[] answers) : IPeerTransport
    {
        private readonly TaskCompletionSource _askedAgain = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public Task AskedAgain => _askedAgain.Task;

        public Task<DealResponse> DealAsync(ParticipantInfo dealer, DealRequest request, CancellationToken cancellationToken)
        {
            var call = Interlocked.Increment(ref _calls);
            if (call >= 2)
            {
                _askedAgain.TrySetResult();
            }
            return Task.FromResult(answers[Math.Min(call, answers.Length) - 1]);
        }

        public Task<FetchRecoveredResponse> FetchRecoveredAsync(ParticipantInfo helper, FetchRecoveredRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<DealMaskResponse> DealMaskAsync(ParticipantInfo dealer, DealMaskRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<DealerDigestsResponse> DealerDigestsAsync(ParticipantInfo dealer, DealerDigestsRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
