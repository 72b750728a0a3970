using Grpc.Core;
using SecretFleet.Core.Protos;
using SecretFleet.Core.Rpc;

namespace SecretFleet.Core.Client;

/// <summary>
/// One client's calls of one kind (Put or Get) to one node. While fewer than
/// <see cref="MaxOpenCalls"/> such calls are open a call goes alone, so a lone caller pays one
/// RPC as before. Beyond that, calls wait here and leave together in one batch call
/// (<c>PutMany</c>, <c>GetMany</c>) as soon as an open one returns. Under concurrency the node
/// then gets a few RPCs carrying many calls each instead of an RPC per call: the per-RPC cost of
/// HTTP/2, TLS records and the request pipeline, on the client and on the node, is paid once per
/// batch, as an etcd leader batches its log. Each call keeps the outcome it would have had alone.
/// </summary>
internal sealed class CallCoalescer<TRequest, TResponse>(
    Func<TRequest, CancellationToken, Task<TResponse>> callOne,
    Func<IReadOnlyList<TRequest>, Task<IReadOnlyList<BatchOutcome<TResponse>>>> callMany,
    Func<TRequest, int> bytesOf)
    where TResponse : class
{
    /// <summary>
    /// RPCs open at once to the node: one being served while the next batch gathers. Two beat
    /// four and eight in alternated store runs at concurrency 64 (docs/benchmarks.md).
    /// </summary>
    public const int MaxOpenCalls = 2;

    /// <summary>Largest batch: the node takes up to 512 calls per batch and 8 MiB per message.</summary>
    public const int MaxCallsPerBatch = 256;

    private const int MaxBytesPerBatch = 2 * 1024 * 1024;

    private readonly Lock _gate = new();
    private readonly LinkedList<Waiting> _waiting = new();
    private int _open;

    public Task<TResponse> CallAsync(TRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_open >= MaxOpenCalls)
            {
                return Wait(request, cancellationToken);
            }
            _open++;
        }
        return AloneAsync(request, cancellationToken);
    }

    private async Task<TResponse> AloneAsync(TRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await callOne(request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            SendWaiting();
        }
    }

    // Under _gate. A waiting call may be cancelled until a batch takes it; after that its request
    // is the batch's (a caller wipes a Put's share once it has its answer, so it must wait).
    private Task<TResponse> Wait(TRequest request, CancellationToken cancellationToken)
    {
        var waiting = new Waiting(request);
        var node = _waiting.AddLast(waiting);
        if (cancellationToken.CanBeCanceled)
        {
            waiting.Cancellation = cancellationToken.Register(() =>
            {
                lock (_gate)
                {
                    if (node.List is null)
                    {
                        return;
                    }
                    _waiting.Remove(node);
                }
                waiting.Answer.TrySetCanceled(cancellationToken);
            });
        }
        return waiting.Answer.Task;
    }

    // An RPC returned: its place goes to the calls waiting, all in one batch, or is given up.
    private void SendWaiting()
    {
        List<Waiting> batch;
        lock (_gate)
        {
            if (_waiting.Count == 0)
            {
                _open--;
                return;
            }
            batch = [];
            var bytes = 0;
            while (_waiting.First is { } first && batch.Count < MaxCallsPerBatch
                && (batch.Count == 0 || bytes + bytesOf(first.Value.Request) <= MaxBytesPerBatch))
            {
                bytes += bytesOf(first.Value.Request);
                batch.Add(first.Value);
                _waiting.RemoveFirst();
            }
        }
        _ = BatchAsync(batch);
    }

    private async Task BatchAsync(List<Waiting> batch)
    {
        try
        {
            foreach (var waiting in batch)
            {
                waiting.Cancellation.Dispose();
            }
            IReadOnlyList<BatchOutcome<TResponse>> outcomes;
            try
            {
                outcomes = await callMany([.. batch.Select(w => w.Request)]).ConfigureAwait(false);
                if (outcomes.Count != batch.Count)
                {
                    throw new RpcException(new Status(StatusCode.Internal, $"The node answered {outcomes.Count} outcomes for a batch of {batch.Count}."));
                }
            }
            catch (RpcException e)
            {
                batch.ForEach(w => w.Answer.TrySetException(e));
                return;
            }
            for (var i = 0; i < batch.Count; i++)
            {
                if (outcomes[i].Response is { } response)
                {
                    batch[i].Answer.TrySetResult(response);
                }
                else
                {
                    batch[i].Answer.TrySetException(CallFailures.ToException(outcomes[i].Failure));
                }
            }
        }
        catch (Exception e)
        {
            // Not the node's answer (a bug, or the client disposed): every call still gets one.
            batch.ForEach(w => w.Answer.TrySetException(e));
        }
        finally
        {
            SendWaiting();
        }
    }

    private sealed class Waiting(TRequest request)
    {
        public TRequest Request => request;

        public TaskCompletionSource<TResponse> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenRegistration Cancellation { get; set; }
    }
}

/// <summary>One call's outcome in a batch: its response, or how it failed.</summary>
internal readonly record struct BatchOutcome<TResponse>(TResponse? Response, CallFailure? Failure)
    where TResponse : class;
