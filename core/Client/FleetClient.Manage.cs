using Grpc.Core;
using SecretFleet.Core.Identity;
using Grpc.Health.V1;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Protos;
using SecretFleet.Core.Rpc;

namespace SecretFleet.Core.Client;

public sealed partial class FleetClient
{
    /// <summary>Deletes every version of a secret on every node; fails (naming them) when a node could not delete.</summary>
    public async Task<int> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        CheckName(name);
        var answers = await _channels.FanOutAsync((_, client, call) => client.Shares.DeleteAsync(new DeleteShareRequest { Name = name, Threshold = (uint)_options.Threshold, Nodes = (uint)_options.Nodes.Count }, call), cancellationToken).ConfigureAwait(false);
        // Nodes answer NOT_FOUND for another client's secret too; PERMISSION_DENIED means this
        // certificate may not make the call at all, and the node's words say why.
        if (answers.FirstOrDefault(a => a.Is(StatusCode.PermissionDenied)) is { } denied)
        {
            throw new FleetClientException(FleetErrorKind.PermissionDenied, $"Node x {denied.Node.X} refused the delete: {denied.Detail}");
        }
        var deleted = answers.Count(a => a.Ok);
        var failed = answers.Where(a => !a.Ok && !a.Is(StatusCode.NotFound)).Select(a => a.Node.X).ToArray();
        if (ResharingInTheWay([.. answers.Where(a => !a.Ok)], name, "not every node deleted its share") is { } resharing)
        {
            throw resharing;
        }
        if (failed.Length > 0)
        {
            throw new FleetClientException(FleetErrorKind.NotEnoughNodes,
                $"Nodes {NodeIndex.Describe(failed)} did not delete their share of '{name}'; run the delete again when they are up.", failed);
        }
        return deleted > 0
            ? deleted
            : throw new FleetClientException(FleetErrorKind.NotFound, $"No secret named '{name}'.");
    }

    /// <summary>Lists this client's secrets over all nodes: newest version of each and how many nodes hold it.</summary>
    public async Task<IReadOnlyList<SecretInfo>> ListAsync(CancellationToken cancellationToken)
    {
        var pages = await Task.WhenAll(_options.Nodes.Select(node => ListNodeAsync(node, cancellationToken))).ConfigureAwait(false);
        var silent = _options.Nodes.Where((_, i) => pages[i] is null).Select(n => n.X).ToArray();
        if (_options.Nodes.Count - silent.Length < _options.Threshold)
        {
            throw new FleetClientException(FleetErrorKind.NotEnoughNodes,
                $"Only {_options.Nodes.Count - silent.Length} of {_options.Nodes.Count} nodes answered (not: {NodeIndex.Describe(silent)}) and listing needs {_options.Threshold}; start those nodes and list again.", silent);
        }
        var seen = new Dictionary<string, List<SecretSummary>>(StringComparer.Ordinal);
        foreach (var secret in pages.SelectMany(p => p ?? []))
        {
            (seen.TryGetValue(secret.Name, out var list) ? list : seen[secret.Name] = []).Add(secret);
        }
        return [.. seen.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s =>
        {
            var newest = s.Value.MaxBy(v => v.Version)!;
            return new SecretInfo(s.Key, newest.Version, newest.Epoch, (int)newest.Threshold, s.Value.Count(v => v.Version == newest.Version),
                DateTimeOffset.FromUnixTimeMilliseconds(newest.UpdatedUnixMs), (int)newest.Blocks * 16);
        })];
    }

    /// <summary>Every page of one node's listing, or null when the node did not answer (down or rebuilding).</summary>
    private async Task<List<SecretSummary>?> ListNodeAsync(FleetMember node, CancellationToken cancellationToken)
    {
        var secrets = new List<SecretSummary>();
        try
        {
            var token = "";
            do
            {
                var page = await _channels.CallAsync(node, (client, call) => client.Shares.ListAsync(new ListSharesRequest { PageSize = 1000, PageToken = token }, call), cancellationToken).ConfigureAwait(false);
                secrets.AddRange(page.Secrets);
                token = page.NextPageToken;
            }
            while (token.Length > 0);
            return secrets;
        }
        catch (RpcException)
        {
            return null;
        }
    }

    /// <summary>Each node's health, epoch and membership (Health/Check and Admin/Info).</summary>
    public async Task<IReadOnlyList<NodeStatus>> StatusAsync(CancellationToken cancellationToken)
    {
        var infos = await _channels.FanOutAsync((_, client, call) => client.Admin.InfoAsync(new InfoRequest(), call), cancellationToken).ConfigureAwait(false);
        var health = await _channels.FanOutAsync((_, client, call) => client.Health.CheckAsync(new HealthCheckRequest(), call), cancellationToken).ConfigureAwait(false);
        return [.. infos.Select((answer, i) =>
        {
            var healthy = health[i].Ok && health[i].Response!.Status == HealthCheckResponse.Types.ServingStatus.Serving;
            var info = answer.Response;
            var operation = info?.Operation is { Id.Length: > 0 } op ? $"{op.Kind.ToString().ToLowerInvariant()} {op.Id} {op.Phase.ToString().ToLowerInvariant()}" : null;
            return new NodeStatus(answer.Node.X, answer.Node.Endpoint, healthy && answer.Ok, info?.Epoch ?? 0, info?.FleetId.Length > 0, (long)(info?.Secrets ?? 0), operation,
                answer.Error is null ? null : $"{answer.Error.StatusCode.ToWireName()}: {answer.Detail}");
        })];
    }
}
