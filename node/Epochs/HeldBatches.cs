namespace SecretFleet.Node.Epochs;

/// <summary>
/// The batches a dealer holds for its receivers: a batch goes (and is erased) once every receiver
/// has asked for a later one, so a receiver retrying after a dropped response still gets the very
/// same batch, and memory stays flat however many batches the operation has. A dealer asked for a
/// new batch while <see cref="Full"/> waits for <see cref="Evicted"/>.
/// </summary>
internal sealed class HeldBatches<T>(int receiverCount, int window, Action<T> erase)
    where T : class
{
    private readonly Dictionary<ulong, T> _held = [];
    private readonly Dictionary<byte, ulong> _requested = [];
    private TaskCompletionSource _evicted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool Full => _held.Count >= window;

    /// <summary>Completes when a batch was dropped (take it before waiting, under the dealer's lock).</summary>
    public Task Evicted => _evicted.Task;

    public IEnumerable<T> All => _held.Values;

    public T? Get(ulong index) => _held.GetValueOrDefault(index);

    public bool Holds(ulong index) => _held.ContainsKey(index);

    public void Add(ulong index, T batch) => _held[index] = batch;

    /// <summary>Receiver <paramref name="receiverX"/> asked for <paramref name="batch"/>: batches every receiver is past go.</summary>
    public void NoteRequest(byte receiverX, ulong batch)
    {
        if (!_requested.TryGetValue(receiverX, out var previous) || batch > previous)
        {
            _requested[receiverX] = batch;
        }
        if (_requested.Count < receiverCount)
        {
            return;
        }
        var slowest = _requested.Values.Min();
        var dropped = false;
        foreach (var old in _held.Keys.Where(k => k < slowest).ToArray())
        {
            _held.Remove(old, out var gone);
            erase(gone!);
            dropped = true;
        }
        if (dropped)
        {
            var signal = _evicted;
            _evicted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            signal.TrySetResult();
        }
    }

    /// <summary>Erases and forgets every batch still held.</summary>
    public void Clear()
    {
        foreach (var batch in _held.Values)
        {
            erase(batch);
        }
        _held.Clear();
    }
}
