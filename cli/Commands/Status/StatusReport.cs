using SecretFleet.Cli.Targets;
using SecretFleet.Core.Client;
using SecretFleet.Core.Epochs;

namespace SecretFleet.Cli.Commands.Status;

/// <summary>What `status` reports; its JSON form is a contract for scripts and monitoring (docs/cli.md).</summary>
internal sealed record StatusReport(
    string Target,
    string Kind,
    string FleetId,
    int Threshold,
    int Replicas,
    ulong? Epoch,
    int HealthyNodes,
    bool Available,
    DateTimeOffset? LastRefresh,
    DateTimeOffset? NextRefresh,
    string? Schedule,
    string? Note,
    IReadOnlyList<NodeReport> Nodes)
{
    public static StatusReport Build(string target, string kind, FleetView view, IReadOnlyList<NodeStatus> nodes, RefreshTimes times, Func<FleetMember, Uri?> metrics)
    {
        var reports = view.Members.OrderBy(m => m.X).Select(member =>
        {
            var node = nodes.FirstOrDefault(n => n.X == member.X);
            var healthy = node?.Healthy == true;
            return new NodeReport(
                member.Ordinal,
                member.Endpoint.ToString().TrimEnd('/'),
                member.TlsName,
                healthy,
                node is { Error: null } ? node.Epoch : null,
                node?.Member == true,
                node is { Error: null } ? node.Secrets : null,
                node?.Operation,
                metrics(member)?.ToString(),
                node?.Error);
        }).ToArray();
        var healthyNodes = reports.Count(r => r.Healthy);
        return new StatusReport(target, kind, view.FleetId, view.Threshold, view.Members.Count, times.Epoch ?? CommonEpoch(reports), healthyNodes,
            healthyNodes >= view.Threshold, times.LastRefresh, times.NextRefresh, times.Schedule, times.Note, reports);
    }

    /// <summary>The epoch most healthy members are at (the newest on a tie: nodes move forward at commit).</summary>
    internal static ulong? CommonEpoch(IEnumerable<NodeReport> nodes) =>
        nodes.Where(n => n.Healthy && n.Member && n.Epoch is not null)
            .GroupBy(n => n.Epoch!.Value)
            .OrderByDescending(g => g.Count()).ThenByDescending(g => g.Key)
            .Select(g => (ulong?)g.Key)
            .FirstOrDefault();
}

/// <summary>One node in `status`: ordinal, where it is dialed, health and epoch, metrics endpoint.</summary>
internal sealed record NodeReport(
    int Ordinal,
    string Endpoint,
    string TlsName,
    bool Healthy,
    ulong? Epoch,
    bool Member,
    long? Secrets,
    string? Operation,
    string? MetricsUrl,
    string? Error);
