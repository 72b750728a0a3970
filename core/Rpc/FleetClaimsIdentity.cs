using System.Security.Claims;
using SecretFleet.Core.Identity;

namespace SecretFleet.Core.Rpc;

/// <summary>
/// The authenticated caller as the certificate handler saw it, with its fleet identity already
/// parsed, so authorization reads it on every call without parsing the claim again.
/// </summary>
internal sealed class FleetClaimsIdentity : ClaimsIdentity
{
    public FleetClaimsIdentity(FleetIdentity? fleet, IEnumerable<Claim> claims, string authenticationType)
        : base(claims, authenticationType)
    {
        Fleet = fleet;
    }

    private FleetClaimsIdentity(FleetClaimsIdentity other)
        : base(other)
    {
        Fleet = other.Fleet;
    }

    /// <summary>The <c>spiffe://</c> identity of the client certificate; null when it carries none.</summary>
    public FleetIdentity? Fleet { get; }

    public override ClaimsIdentity Clone() => new FleetClaimsIdentity(this);
}
