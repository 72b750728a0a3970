using Grpc.Health.V1;
using SecretFleet.Core.Protos;
using SecretFleet.Core.Rpc;

namespace SecretFleet.Core.Client;

public sealed partial class FleetClient
{
    /// <summary>Deletes every version of a secret on every node; fails (naming them) when a node could not delete.</summary>
    public async Task<int> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        CheckName(name);
        var answers = await _channels.FanOutAsync(SharesService, "Delete", _ => new DeleteShareRequest { Name = name }, DeleteShareResponse.Parser, cancellationToken).ConfigureAwait(false);
        if (answers.Any(a => a.Is(RpcStatusCode.PermissionDenied)))
        {
            throw new FleetClientException(FleetErrorKind.PermissionDenied, $"Secret '{name}' belongs to another client identity.");
        }
        var deleted = answers.Count(a => a.Ok);
        var failed = answers.Where(a => !a.Ok && !a.Is(RpcStatusCode.NotFound)).Select(a => a.Node.X).ToArray();
        if (failed.Length > 0)
        {
            throw new FleetClientException(FleetErrorKind.NotEnoughNodes,
                $"Nodes {Describe(failed)} did not delete their share of '{name}'; run the delete again when they are up.", failed);
        }
        return deleted > 0
            ? deleted
            : throw new FleetClientException(FleetErrorKind.NotFound, $"No secret named '{name}'.");
    }

    /// <summary>Lists this client's secrets over all nodes: newest version of each and how many nodes hold it.</summary>
    public async Task<IReadOnlyList<SecretInfo>> ListAsync(CancellationToken cancellationToken)
    {
        var seen = new Dictionary<string, List<SecretSummary>>(StringComparer.Ordinal);
        var reached = 0;
        foreach (var node in _options.Nodes)
        {
            try
            {
                var token = "";
                do
                {
                    var page = await _channels.CallAsync(node, SharesService, "List", new ListSharesRequest { PageSize = 1000, PageToken = token }, ListSharesResponse.Parser, cancellationToken).ConfigureAwait(false);
                    foreach (var secret in page.Secrets)
                    {
                        (seen.TryGetValue(secret.Name, out var list) ? list : seen[secret.Name] = []).Add(secret);
                    }
                    token = page.NextPageToken;
                }
                while (token.Length > 0);
                reached++;
            }
            catch (RpcException)
            {
                // A node down or rebuilding: the listing comes from the others.
            }
        }
        if (reached < _options.Threshold)
        {
            throw new FleetClientException(FleetErrorKind.NotEnoughNodes, $"Only {reached} nodes answered; listing needs {_options.Threshold}.");
        }
        return [.. seen.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s =>
        {
            var newest = s.Value.MaxBy(v => v.Version)!;
            return new SecretInfo(s.Key, newest.Version, newest.Epoch, (int)newest.Threshold, s.Value.Count(v => v.Version == newest.Version),
                DateTimeOffset.FromUnixTimeMilliseconds(newest.UpdatedUnixMs), (int)newest.Blocks * 16);
        })];
    }

    /// <summary>Each node's health, epoch and membership (Health/Check and Admin/Info).</summary>
    public async Task<IReadOnlyList<NodeStatus>> StatusAsync(CancellationToken cancellationToken)
    {
        var infos = await _channels.FanOutAsync("secretfleet.v1.Admin", "Info", _ => new InfoRequest(), InfoResponse.Parser, cancellationToken).ConfigureAwait(false);
        var health = await _channels.FanOutAsync(HealthService.ServiceName, "Check", _ => new HealthCheckRequest(), HealthCheckResponse.Parser, cancellationToken).ConfigureAwait(false);
        return [.. infos.Select((answer, i) =>
        {
            var healthy = health[i].Ok && health[i].Response!.Status == HealthCheckResponse.Types.ServingStatus.Serving;
            var info = answer.Response;
            var operation = info?.Operation is { Id.Length: > 0 } op ? $"{op.Kind.ToString().ToLowerInvariant()} {op.Id} {op.Phase.ToString().ToLowerInvariant()}" : null;
            return new NodeStatus(answer.Node.X, answer.Node.Endpoint, healthy && answer.Ok, info?.Epoch ?? 0, info?.FleetId.Length > 0, (long)(info?.Secrets ?? 0), operation,
                answer.Error is null ? null : $"{answer.Error.StatusCode.ToWireName()}: {answer.Error.Detail}");
        })];
    }
}
