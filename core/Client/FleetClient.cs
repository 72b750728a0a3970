using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using SecretFleet.Core.Identity;
using SecretFleet.Core.Naming;
using SecretFleet.Core.Protos;
using SecretFleet.Core.Sharing;

namespace SecretFleet.Core.Client;

/// <summary>
/// A client of a fleet: splits secrets into one share per node and stores them over mTLS,
/// recovers them from any t nodes (naming nodes that answer wrongly), deletes and lists.
/// Thread-safe; reuse one instance.
/// </summary>
public sealed partial class FleetClient : IDisposable
{
    private readonly FleetClientOptions _options;
    private readonly NodeChannels _channels;
    private long _lastVersion;

    /// <summary>Creates a client; no connection is made until the first call.</summary>
    public FleetClient(FleetClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Nodes.Count == 0 || options.Threshold < 1 || options.Threshold > options.Nodes.Count)
        {
            throw new FleetClientException(FleetErrorKind.InvalidInput, $"A fleet of {options.Nodes.Count} nodes cannot have threshold {options.Threshold}.");
        }
        _options = options;
        _channels = new NodeChannels(options.Nodes, options.Tls, options.CallTimeout, options.TimeProvider, options.UnreachableBackoff);
    }

    /// <summary>
    /// Splits and stores a secret on every node. It succeeds only when all nodes acknowledge;
    /// otherwise the shares already written are deleted again, so a failed store leaves the
    /// fleet as it was (an overwritten secret keeps its previous version). When the nodes answer
    /// from both sides of an epoch change, the store is rolled back and made again.
    /// </summary>
    public async Task<StoreResult> StoreAsync(string name, ReadOnlyMemory<byte> secret, StoreOptions? options, CancellationToken cancellationToken)
    {
        CheckName(name);
        options ??= new StoreOptions();
        if (secret.Length == 0 || secret.Length > _options.MaxSecretBytes)
        {
            throw new FleetClientException(FleetErrorKind.InvalidInput, secret.Length == 0
                ? "The secret is empty; give it some content."
                : $"The secret is {secret.Length} bytes; the limit is {_options.MaxSecretBytes}.");
        }
        var time = _options.TimeProvider;
        var deadline = time.GetUtcNow() + _options.EpochSettleTimeout;
        var wait = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            var (version, answers) = await PutEverywhereAsync(name, secret, options, cancellationToken).ConfigureAwait(false);
            if (!answers.All(a => a.Ok))
            {
                await RollBackAsync(name, version, answers.Where(a => a.Ok).Select(a => a.Node), cancellationToken).ConfigureAwait(false);
                throw StoreFailure(name, answers);
            }
            // A node still being rebuilt answers with its own epoch; its share joins the fleet's at its recovery.
            var epochs = answers.Where(a => !a.Response!.Recovering).Select(a => a.Response!.Epoch).Distinct().Order().ToArray();
            if (epochs.Length <= 1)
            {
                return new StoreResult(name, version, epochs.Length == 1 ? epochs[0] : answers.Max(a => a.Response!.Epoch), answers.Length, options.Overwrite);
            }
            // A share written after its node committed a refresh is not re-randomized, while one
            // written before another node's snapshot is: the shares of one secret would not lie on
            // one polynomial. So a store that straddles a commit is undone and made afresh.
            await RollBackAsync(name, version, answers.Select(a => a.Node), cancellationToken).ConfigureAwait(false);
            if (time.GetUtcNow() >= deadline)
            {
                throw new FleetClientException(FleetErrorKind.Other,
                    $"Nodes kept answering from different epochs ({string.Join(" and ", epochs)}) for {_options.EpochSettleTimeout.TotalSeconds:F0} s while an epoch change finished; nothing was stored for '{name}'. Retry in a moment.");
            }
            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
            wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, TimeSpan.FromSeconds(1).Ticks));
        }
    }

    // One attempt: a fresh split and version, one share to each node.
    private async Task<(ulong Version, NodeAnswer<PutShareResponse>[] Answers)> PutEverywhereAsync(string name, ReadOnlyMemory<byte> secret, StoreOptions options, CancellationToken cancellationToken)
    {
        SplitResult split;
        try
        {
            split = Shamir.Split(secret.Span, _options.Threshold, _options.Nodes.Count, _options.MaxSecretBytes);
        }
        catch (SharingException e)
        {
            throw new FleetClientException(FleetErrorKind.InvalidInput, e.Message);
        }
        var version = NextVersion();
        var commitment = ByteString.CopyFrom(split.Commitment);
        try
        {
            // The requests wrap the split's arrays (no copy), so zeroing those clears them too.
            var answers = await _channels.FanOutAsync(_options.Nodes, node => _channels.PutAsync(node, new PutShareRequest
            {
                Name = name, Version = version, X = node.X, Threshold = (uint)_options.Threshold, Nodes = (uint)_options.Nodes.Count, CreateOnly = !options.Overwrite,
                Share = UnsafeByteOperations.UnsafeWrap(split.Shares[node.Ordinal].Value), Commitment = commitment,
            }, cancellationToken), cancellationToken).ConfigureAwait(false);
            return (version, answers);
        }
        finally
        {
            foreach (var share in split.Shares)
            {
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(share.Value);
            }
        }
    }

    private static FleetClientException StoreFailure(string name, NodeAnswer<PutShareResponse>[] answers)
    {
        var failed = answers.Where(a => !a.Ok).ToArray();
        var xs = failed.Select(a => a.Node.X).ToArray();
        if (failed.Any(a => a.Is(StatusCode.PermissionDenied)))
        {
            return new FleetClientException(FleetErrorKind.PermissionDenied, $"The name '{name}' is taken by another client identity; choose another name. Nothing was stored.", xs);
        }
        if (failed.Any(a => a.Is(StatusCode.AlreadyExists)))
        {
            return new FleetClientException(FleetErrorKind.AlreadyExists, $"Secret '{name}' already exists; pass --overwrite to replace it. Nothing was stored.", xs);
        }
        if (ResharingInTheWay(failed, name, "nothing was stored") is { } resharing)
        {
            return resharing;
        }
        if (failed.FirstOrDefault(a => a.Is(StatusCode.InvalidArgument) || a.Is(StatusCode.FailedPrecondition)) is { } refused)
        {
            return new FleetClientException(FleetErrorKind.InvalidInput, $"Node x {refused.Node.X} refused the share: {refused.Detail} Nothing was stored.", xs);
        }
        return new FleetClientException(FleetErrorKind.NotEnoughNodes,
            $"Nodes {NodeIndex.Describe(xs)} did not store their share ({failed[0].Detail}); nothing was stored. Bring every node up and retry.", xs);
    }

    /// <summary>The failure when nodes refused because a resharing runs, or because it changed the fleet's threshold.</summary>
    internal static FleetClientException? ResharingInTheWay<T>(IReadOnlyList<NodeAnswer<T>> failed, string name, string outcome)
        where T : class
    {
        var xs = failed.Select(a => a.Node.X).ToArray();
        if (failed.Any(a => Epochs.ResharingWrites.IsRefused(a.Error)))
        {
            return new FleetClientException(FleetErrorKind.Resharing,
                $"A resharing is changing the fleet's size or threshold, and nodes refuse writes until it ends; {outcome} for '{name}'. Retry once it has finished (`kubectl secrets status` shows it).", xs);
        }
        if (failed.FirstOrDefault(a => Epochs.ResharingWrites.IsShapeMismatch(a.Error)) is { } changed)
        {
            return new FleetClientException(FleetErrorKind.Resharing,
                $"The fleet was reshared or grew since this client read its shape (node x {changed.Node.X}: {changed.Detail}); {outcome} for '{name}'. Retry with the fleet's current shape.", xs);
        }
        return null;
    }

    private async Task RollBackAsync(string name, ulong version, IEnumerable<Epochs.FleetMember> written, CancellationToken cancellationToken)
    {
        await Task.WhenAll(written.Select(async node =>
        {
            try
            {
                await _channels.CallAsync(node, (client, call) => client.Shares.DeleteAsync(new DeleteShareRequest { Name = name, Version = version }, call), cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException)
            {
                // The version stays on that node, older versions stay newest elsewhere; recovery
                // groups shares by version and ignores a version fewer than t nodes hold.
            }
        })).ConfigureAwait(false);
    }

    /// <summary>Versions are client clock ticks, strictly increasing per client, so a later store wins.</summary>
    private ulong NextVersion()
    {
        var now = _options.TimeProvider.GetUtcNow().UtcTicks;
        while (true)
        {
            var last = Interlocked.Read(ref _lastVersion);
            var next = Math.Max(now, last + 1);
            if (Interlocked.CompareExchange(ref _lastVersion, next, last) == last)
            {
                return (ulong)next;
            }
        }
    }

    internal static void CheckName(string name)
    {
        if (!SecretName.IsValid(name))
        {
            throw new FleetClientException(FleetErrorKind.InvalidInput, $"{SecretName.Quote(name)} is not a valid secret name: use {SecretName.Rule}.");
        }
    }

    /// <inheritdoc />
    public void Dispose() => _channels.Dispose();

    internal static string Format(ulong value) => value.ToString(CultureInfo.InvariantCulture);
}
