using SecretFleet.Core.Client;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Identity;

namespace SecretFleet.Cli.Targets;

/// <summary>
/// A fleet the verbs talk to — a local fleet or a SecretCluster — reduced to what they need:
/// the nodes and how to reach them, the client certificate, the refresh schedule, and how a
/// refresh is done (the CLI coordinates a local one; the operator does it on Kubernetes).
/// </summary>
internal abstract class FleetTarget : IAsyncDisposable
{
    /// <summary>For messages and headers: "local fleet local-1a2b (/home/me/.secretfleet/local)".</summary>
    public abstract string Description { get; }

    /// <summary>local or kubernetes.</summary>
    public abstract string Kind { get; }

    public abstract FleetView View { get; }

    public abstract TlsMaterial ClientTls { get; }

    public virtual TimeSpan CallTimeout => TimeSpan.FromSeconds(10);

    /// <summary>The node's plain-HTTP metrics endpoint, when known.</summary>
    public abstract Uri? MetricsUrl(FleetMember member);

    public abstract Task<RefreshTimes> RefreshTimesAsync(CancellationToken cancellationToken);

    public abstract Task<RefreshReport> RefreshAsync(RefreshRequest request, IProgress<RefreshProgress>? progress, CancellationToken cancellationToken);

    // One recovery per run: asking every node costs nothing noticeable and names every node that
    // answers wrongly or not at all, which a person at the terminal wants to hear about.
    public FleetClient CreateClient() => new(Options(View));

    /// <summary>
    /// How long store, recover and delete wait for a resharing: nodes refuse writes while one runs
    /// (docs/protocol.md, "Writes during a resharing"), and a million secrets take minutes.
    /// </summary>
    public static readonly TimeSpan ResharingPatience = TimeSpan.FromMinutes(15);

    /// <summary>A client that waits through a resharing and then uses the fleet's new shape; <paramref name="waiting"/> is told once that it waits.</summary>
    public FollowingClient CreateFollowingClient(TextWriter waiting)
    {
        var told = 0;
        return new FollowingClient(async ct => Options(await ReadViewAsync(ct).ConfigureAwait(false)), ResharingPatience, _ =>
        {
            if (Interlocked.Exchange(ref told, 1) == 0)
            {
                waiting.WriteLine($"A resharing is changing the fleet's size or threshold; waiting for it to end, then writing with the new shape (up to {ResharingPatience.TotalMinutes:F0} min; Ctrl-C stops waiting).");
            }
        });
    }

    /// <summary>The fleet's shape read again: a resharing changes its nodes and threshold. A target that cannot read it again keeps the one it opened with.</summary>
    protected virtual Task<FleetView> ReadViewAsync(CancellationToken cancellationToken) => Task.FromResult(View);

    private FleetClientOptions Options(FleetView view) =>
        new(view.Members, view.Threshold, ClientTls) { CallTimeout = CallTimeout, RecoverReads = RecoverReads.AllNodes };

    public virtual ValueTask DisposeAsync()
    {
        ClientTls.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>When the fleet last refreshed and will next; <see cref="Epoch"/> when the target records one (SecretCluster status).</summary>
internal sealed record RefreshTimes(DateTimeOffset? LastRefresh, DateTimeOffset? NextRefresh, ulong? Epoch, string? Schedule, string? Note);

/// <summary>What `refresh` asked for.</summary>
/// <remarks><see cref="Waiting"/> is called once if another coordinator (the background one) holds the fleet.</remarks>
internal sealed record RefreshRequest(bool Wait, TimeSpan Timeout, Action? Waiting = null);

/// <summary>A refresh step for the progress bar.</summary>
internal sealed record RefreshProgress(string Phase, long Done, long Total);

/// <summary>How a refresh ended (or that it was only requested, when not waited for).</summary>
internal sealed record RefreshReport(
    bool Completed,
    bool Committed,
    string? OperationId,
    ulong? EpochBefore,
    ulong? EpochAfter,
    string? Reason,
    long SharesRefreshed,
    TimeSpan? Duration,
    DateTimeOffset? RequestedAt);
