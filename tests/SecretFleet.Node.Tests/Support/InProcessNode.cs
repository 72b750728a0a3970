using Microsoft.Extensions.Logging.Abstractions;
using SecretFleet.Core.Identity;
using SecretFleet.Node.Epochs;
using SecretFleet.Node.Observability;
using SecretFleet.Node.Storage;

namespace SecretFleet.Node.Tests.Support;

/// <summary>One node's store and epoch participant without a server: for protocol tests that do not need sockets.</summary>
internal sealed class InProcessNode : IAsyncDisposable
{
    private readonly NodeMetrics _metrics;

    private InProcessNode(byte x, string directory, ShareStore store, EpochParticipant participant, NodeMetrics metrics)
    {
        X = x;
        Directory = directory;
        Store = store;
        Participant = participant;
        _metrics = metrics;
    }

    public byte X { get; }

    public string Directory { get; }

    public ShareStore Store { get; }

    public EpochParticipant Participant { get; }

    public static async Task<InProcessNode> StartAsync(byte x, FleetIdentity identity, string directory, byte[] key, IPeerTransport peers, IDealerTamper? tamper = null)
    {
        var store = await ShareStore.OpenAsync(directory, NodeKey.FromBytes(key), x, TimeProvider.System, CancellationToken.None);
        var metrics = new NodeMetrics(() => store.State.Epoch, () => 0, () => 0);
        var participant = new EpochParticipant(() => InProcessPki.For(identity), new OperationStore(store), peers, tamper, metrics, NullLogger<EpochParticipant>.Instance);
        await participant.InitializeAsync(CancellationToken.None);
        return new InProcessNode(x, directory, store, participant, metrics);
    }

    public async ValueTask DisposeAsync()
    {
        await Participant.DisposeAsync();
        await Store.DisposeAsync();
        _metrics.Dispose();
    }
}
