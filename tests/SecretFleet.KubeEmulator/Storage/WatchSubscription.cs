using System.Threading.Channels;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// One watcher's queue of events. The store writes into it under its lock, so events arrive in
/// resourceVersion order; disposing it unsubscribes.
/// </summary>
internal sealed class WatchSubscription(ObjectStore store, Func<StoredObject, bool> filter) : IDisposable
{
    private readonly Channel<WatchEvent> _events = Channel.CreateUnbounded<WatchEvent>(new UnboundedChannelOptions { SingleReader = true });

    public ChannelReader<WatchEvent> Events => _events.Reader;

    public bool Matches(StoredObject obj) => filter(obj);

    public void Offer(WatchEvent e) => _events.Writer.TryWrite(e);

    public void Dispose()
    {
        store.Unsubscribe(this);
        _events.Writer.TryComplete();
    }
}
