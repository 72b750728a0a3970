namespace SecretFleet.Core.Epochs;

/// <summary>A node as the coordinator reaches it: its x (ordinal + 1), endpoint and the TLS name its certificate carries.</summary>
public sealed record FleetMember(byte X, Uri Endpoint, string TlsName)
{
    /// <summary>The StatefulSet ordinal (x − 1).</summary>
    public int Ordinal => X - 1;
}

/// <summary>The fleet an operation runs on: its identity, threshold and members.</summary>
public sealed record FleetView(string FleetId, int Threshold, IReadOnlyList<FleetMember> Members)
{
    /// <summary>Finds a member by x.</summary>
    public FleetMember Member(byte x) => Members.First(m => m.X == x);
}
