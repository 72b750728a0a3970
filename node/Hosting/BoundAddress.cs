using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace SecretFleet.Node.Hosting;

/// <summary>The address a started Kestrel server listens on, with the real port, as a client dials it.</summary>
internal static class BoundAddress
{
    public static Uri Of(IServiceProvider services, string scheme)
    {
        var address = new Uri(services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        // A wildcard listener is dialled on loopback by local launchers and tests.
        var host = IPAddress.TryParse(address.Host.Trim('[', ']'), out var ip) && ip.Equals(IPAddress.Any) ? "127.0.0.1" : address.Host;
        return new Uri($"{scheme}://{host}:{address.Port}");
    }
}
