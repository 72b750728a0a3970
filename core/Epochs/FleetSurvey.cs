using SecretFleet.Core.Identity;
using SecretFleet.Core.Protos;

namespace SecretFleet.Core.Epochs;

/// <summary>Every member's Admin/Info at one moment, and the checks an operation needs before it starts.</summary>
internal sealed class FleetSurvey
{
    private readonly FleetView _fleet;
    private readonly Dictionary<byte, InfoResponse> _infos;
    private readonly Dictionary<byte, string> _errors;

    private FleetSurvey(FleetView fleet, Dictionary<byte, InfoResponse> infos, Dictionary<byte, string> errors)
    {
        _fleet = fleet;
        _infos = infos;
        _errors = errors;
    }

    public static async Task<FleetSurvey> TakeAsync(INodeOperations nodes, FleetView fleet, CancellationToken cancellationToken, bool tolerateUnreachable = false)
    {
        var calls = fleet.Members.Select(async member =>
        {
            try
            {
                return (member.X, Info: await nodes.InfoAsync(member, cancellationToken).ConfigureAwait(false), Error: (string?)null);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return (member.X, Info: (InfoResponse?)null, Error: e.Message);
            }
        });
        var results = await Task.WhenAll(calls).ConfigureAwait(false);
        var survey = new FleetSurvey(fleet,
            results.Where(r => r.Info is not null).ToDictionary(r => r.X, r => r.Info!),
            results.Where(r => r.Info is null).ToDictionary(r => r.X, r => r.Error ?? "no answer"));
        if (!tolerateUnreachable && survey._errors.Count > 0)
        {
            var (x, error) = survey._errors.OrderBy(e => e.Key).First();
            throw new OperationRefusedException($"Node x {x} (ordinal {NodeIndex.OrdinalOf(x)}) is unreachable ({error}); a refresh needs every node.");
        }
        return survey;
    }

    public bool Reachable(byte x) => _infos.ContainsKey(x);

    public InfoResponse Info(byte x) => _infos[x];

    public bool IsMember(byte x) => _infos.TryGetValue(x, out var info) && info.FleetId == _fleet.FleetId;

    /// <summary>The epoch all of <paramref name="xs"/> share, when each is a member with no operation still open.</summary>
    public ulong RequireCommonEpoch(IEnumerable<byte> xs)
    {
        ulong? epoch = null;
        foreach (var x in xs)
        {
            if (!IsMember(x))
            {
                throw new OperationRefusedException($"Node x {x} (ordinal {NodeIndex.OrdinalOf(x)}) does not hold its shares yet; rebuild it with a recovery first.");
            }
            var info = _infos[x];
            if (info.Operation is { Phase: OperationPhase.Staged } open)
            {
                throw new OperationRefusedException($"Node x {x} still holds operation {open.Id} staged; it must be committed or aborted first.");
            }
            if (epoch is { } expected && info.Epoch != expected)
            {
                throw new OperationRefusedException($"Node x {x} is at epoch {info.Epoch}, others at {expected}; finish the previous operation first.");
            }
            epoch = info.Epoch;
        }
        return epoch ?? throw new OperationRefusedException("The fleet has no members.");
    }
}
