using Grpc.Core;
using SecretFleet.Core.Protos;
using SecretFleet.Core.Rpc;

namespace SecretFleet.Core.Client;

/// <summary>
/// One client's calls of one kind (Put or Get) to one node. While fewer than
/// <see cref="MaxOpenCalls"/> such RPCs are open a call goes alone, so a lone caller pays one
/// RPC as before. Beyond that, calls wait here and leave together in one batch call
/// (<c>PutMany</c>, <c>GetMany</c>) as soon as an open one returns or <see cref="FullBatch"/>
/// of them wait. Under concurrency the node
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
    /// <summary>RPCs open to the node below which a call goes alone, at once.</summary>
    public const int MaxOpenCalls = 4;

    /// <summary>Largest batch: the node takes up to 512 calls per batch and 8 MiB per message.</summary>
    public const int MaxCallsPerBatch = 256;

    private const int MaxBytesPerBatch = 2 * 1024 * 1024;

    private readonly Lock _gate = new();
    private readonly LinkedList<Waiting> _waiting = new();
    private int _open;

    /// <summary>
    /// Calls waiting that leave at once in a batch of their own, without waiting for an open RPC
    /// to return, while fewer than <see cref="MaxOpenBatches"/> RPCs are open. Waiting for a
    /// return alone cost a store at concurrency 16 about a node transaction of latency (a call
    /// that came in while the node committed went to it only after that commit, and so joined the
    /// commit after next); these values kept concurrency 16 level and gained most of the batching
    /// at 64 in alternated runs (docs/benchmarks.md).
    /// </summary>
    public const int FullBatch = 4;

    public const int MaxOpenBatches = 16;

    public Task<TResponse> CallAsync(TRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        List<Waiting>? full = null;
        Task<TResponse>? answer = null;
        lock (_gate)
        {
            if (_open < MaxOpenCalls)
            {
                _open++;
            }
            else
            {
                answer = Wait(request, cancellationToken);
                if (_waiting.Count >= FullBatch && _open < MaxOpenBatches)
                {
                    _open++;
                    full = TakeBatch();
                }
            }
        }
        if (full is not null)
        {
            _ = BatchAsync(full);
        }
        return answer ?? AloneAsync(request, cancellationToken);
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
            batch = TakeBatch();
        }
        _ = BatchAsync(batch);
    }

    // Under _gate.
    private List<Waiting> TakeBatch()
    {
        var batch = new List<Waiting>();
        var bytes = 0;
        while (_waiting.First is { } first && batch.Count < MaxCallsPerBatch
            && (batch.Count == 0 || bytes + bytesOf(first.Value.Request) <= MaxBytesPerBatch))
        {
            bytes += bytesOf(first.Value.Request);
            batch.Add(first.Value);
            _waiting.RemoveFirst();
        }
        return batch;
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
