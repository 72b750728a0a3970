using SecretFleet.Core.Identity;

namespace SecretFleet.Core.Epochs;

/// <summary>
/// A node as clients and the coordinator reach it: its x (ordinal + 1), endpoint, the TLS name its
/// certificate carries and its identity. Calls to the member accept only a server certificate with
/// exactly that identity, and the coordinator names it to the other nodes, which serve it only
/// what is meant for it.
/// </summary>
public sealed record FleetMember(byte X, Uri Endpoint, string TlsName, FleetIdentity Identity)
{
    /// <summary>The StatefulSet ordinal (x − 1).</summary>
    public int Ordinal => NodeIndex.OrdinalOf(X);
}

/// <summary>The fleet an operation runs on: its identity, threshold and members.</summary>
public sealed record FleetView(string FleetId, int Threshold, IReadOnlyList<FleetMember> Members)
{
    /// <summary>Finds a member by x.</summary>
    public FleetMember Member(byte x) => Members.First(m => m.X == x);
}
