namespace SecretFleet.Core.Sharing;

/// <summary>
/// Outcome of the public check of a resharing (<see cref="Resharing.CheckConstants"/>): the
/// dealers whose published constants lie on the decoded polynomial of degree below t, the
/// dealers off it (named), and, when the resharing may commit, the agreed set D of t dealers
/// every new node combines. <see cref="Refusal"/> says why it may not.
/// </summary>
public sealed record ResharingVerdict(IReadOnlyList<byte> ConsistentXs, IReadOnlyList<byte> NamedXs, IReadOnlyList<byte> AgreedDealers, string? Refusal)
{
    /// <summary>True when every new node may combine the values of <see cref="AgreedDealers"/>.</summary>
    public bool CanCommit => Refusal is null;
}
