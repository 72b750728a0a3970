using Grpc.Core;
using Microsoft.AspNetCore.Http;
using SecretFleet.Core.Identity;

namespace SecretFleet.Core.Rpc;

/// <summary>
/// The caller's fleet identity, as the certificate authentication handler established it
/// (<see cref="FleetGrpcServerExtensions.AddFleetGrpc"/>): the <c>spiffe://</c> URI SAN of a client
/// certificate that chained to the fleet CA, parsed once per connection (<see cref="FleetClaimsIdentity"/>).
/// </summary>
public static class FleetPeer
{
    /// <summary>The claim type carrying the <c>spiffe://trust-domain/role/name</c> URI.</summary>
    public const string IdentityClaim = "secretfleet:identity";

    /// <summary>The authenticated caller's fleet identity; null when it has none (no certificate, or one without a spiffe URI).</summary>
    public static FleetIdentity? GetFleetPeer(this ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Of(context.GetHttpContext());
    }

    /// <inheritdoc cref="GetFleetPeer(ServerCallContext)"/>
    public static FleetIdentity? Of(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return http.User.Identity switch
        {
            FleetClaimsIdentity { IsAuthenticated: true } parsed => parsed.Fleet,
            // A principal built elsewhere (tests, another handler): read the claim.
            { IsAuthenticated: true } => http.User.FindFirst(IdentityClaim) is { } claim && FleetIdentity.TryParse(claim.Value, out var identity) ? identity : null,
            _ => null,
        };
    }

    /// <summary><c>package.Service/Method</c> (no leading slash), as logs, audit rows and metrics name a call.</summary>
    public static string MethodName(this ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Method.TrimStart('/');
    }
}
