namespace SecretFleet.Core.Client;

/// <summary>
/// A client that follows its fleet through resharings (docs/protocol.md, "Writes during a
/// resharing"). When nodes refuse a write because a resharing runs, or answer for another shape
/// because one has finished, it waits (backing off to <see cref="MaxDelay"/>), reads the fleet's
/// shape again and retries, until <c>patience</c> runs out; a failure after which the shape turns
/// out to have changed (a node that left is gone) is retried at once with the new shape. Every
/// other failure reaches the caller unchanged. Thread-safe; reuse one instance.
/// </summary>
public sealed class FollowingClient : IDisposable
{
    /// <summary>Longest wait between two attempts.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(100);
    private readonly Func<CancellationToken, Task<FleetClientOptions>> _readShape;
    private readonly TimeSpan _patience;
    private readonly Action<string>? _waiting;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _reload = new(1, 1);
    private readonly List<FleetClient> _retired = [];
    private FleetClientOptions? _options;
    private FleetClient? _client;

    /// <param name="readShape">Reads the fleet's current nodes and threshold (fleet.json, the SecretCluster's status).</param>
    /// <param name="patience">How long one call may wait for a resharing before its failure is returned.</param>
    /// <param name="waiting">Told, with the nodes' reason, each time a call starts waiting.</param>
    /// <param name="time">Time source (tests pass a fake one).</param>
    public FollowingClient(Func<CancellationToken, Task<FleetClientOptions>> readShape, TimeSpan patience, Action<string>? waiting = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(readShape);
        _readShape = readShape;
        _patience = patience;
        _waiting = waiting;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The shape the last call used (null before the first call).</summary>
    public FleetClientOptions? Shape => Volatile.Read(ref _options);

    /// <inheritdoc cref="FleetClient.StoreAsync"/>
    public Task<StoreResult> StoreAsync(string name, ReadOnlyMemory<byte> secret, StoreOptions? options, CancellationToken cancellationToken) =>
        RunAsync(client => client.StoreAsync(name, secret, options, cancellationToken), cancellationToken);

    /// <inheritdoc cref="FleetClient.RecoverAsync"/>
    public Task<RecoverResult> RecoverAsync(string name, CancellationToken cancellationToken) =>
        RunAsync(client => client.RecoverAsync(name, cancellationToken), cancellationToken);

    /// <inheritdoc cref="FleetClient.DeleteAsync"/>
    /// <remarks>
    /// Reads the fleet's shape first, not only after a failure: nodes that joined since the last
    /// read would not be asked, and once t' of them joined their shares alone give the secret back.
    /// </remarks>
    public async Task<int> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        await ReloadAsync(Volatile.Read(ref _client), cancellationToken).ConfigureAwait(false);
        return await RunAsync(client => client.DeleteAsync(name, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private async Task<T> RunAsync<T>(Func<FleetClient, Task<T>> call, CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow() + _patience;
        var delay = FirstDelay;
        while (true)
        {
            var client = await CurrentAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await call(client).ConfigureAwait(false);
            }
            catch (FleetClientException e) when (e.Kind is FleetErrorKind.Resharing or FleetErrorKind.NotEnoughNodes or FleetErrorKind.Other)
            {
                if (await ReloadAsync(client, cancellationToken).ConfigureAwait(false))
                {
                    continue;
                }
                if (e.Kind != FleetErrorKind.Resharing || _time.GetUtcNow() >= deadline)
                {
                    throw;
                }
                _waiting?.Invoke(e.Message);
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                delay = delay * 2 < MaxDelay ? delay * 2 : MaxDelay;
            }
        }
    }

    private async Task<FleetClient> CurrentAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _client) is { } client)
        {
            return client;
        }
        await ReloadAsync(null, cancellationToken).ConfigureAwait(false);
        return _client!;
    }

    // Reads the shape again; true when it changed since `used` was made (then a new client serves the next attempt).
    private async Task<bool> ReloadAsync(FleetClient? used, CancellationToken cancellationToken)
    {
        await _reload.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_client != used)
            {
                // Another call has read a newer shape already.
                return true;
            }
            var options = await _readShape(cancellationToken).ConfigureAwait(false);
            if (_options is not null && options.Threshold == _options.Threshold && options.Nodes.SequenceEqual(_options.Nodes))
            {
                return false;
            }
            if (_client is not null)
            {
                // Calls in flight may still use it; it goes with this instance.
                _retired.Add(_client);
            }
            Volatile.Write(ref _options, options);
            Volatile.Write(ref _client, new FleetClient(options));
            return true;
        }
        finally
        {
            _reload.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _client?.Dispose();
        foreach (var client in _retired)
        {
            client.Dispose();
        }
        _reload.Dispose();
    }
}
