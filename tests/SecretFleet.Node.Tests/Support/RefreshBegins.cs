using SecretFleet.Core.Epochs;
using SecretFleet.Core.Protos;

namespace SecretFleet.Node.Tests.Support;

/// <summary>The Begin a coordinator sends for a refresh of a whole fleet, for tests that drive nodes by hand.</summary>
internal static class RefreshBegins
{
    public static BeginRequest Of(FleetView view, string operationId, uint batchBlocks = 0)
    {
        var begin = new BeginRequest
        {
            OperationId = operationId,
            Kind = OperationKind.Refresh,
            Epoch = 0,
            TargetEpoch = 1,
            Threshold = (uint)view.Threshold,
            FleetId = view.FleetId,
            BatchBlocks = batchBlocks,
        };
        begin.Dealers.Add(view.Members.Select(m => new Participant { X = m.X, Endpoint = m.Endpoint.ToString(), TlsName = m.TlsName, Identity = m.Identity.ToString() }));
        return begin;
    }
}
