namespace SecretFleet.Core.Identity;

/// <summary>
/// What a party of the fleet is allowed to be. The role is the second path segment of the
/// SPIFFE identity in every certificate: <c>spiffe://&lt;trust-domain&gt;/&lt;role&gt;/&lt;name&gt;</c>.
/// </summary>
public enum FleetRole
{
    /// <summary>A share-holding node (serves clients, talks to other nodes).</summary>
    Node,

    /// <summary>The operator or local coordinator (drives refreshes).</summary>
    Operator,

    /// <summary>A client that stores and recovers secrets.</summary>
    Client,
}
