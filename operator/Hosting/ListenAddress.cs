using System.Globalization;
using System.Net;

namespace SecretFleet.Operator.Hosting;

/// <summary>Parses listen flags: <c>IP:PORT</c>, <c>[IPv6]:PORT</c> or <c>:PORT</c> (every interface).</summary>
internal static class ListenAddress
{
    public static IPEndPoint? Parse(string? text, string flag)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (text.StartsWith(':') && int.TryParse(text.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= IPEndPoint.MaxPort)
        {
            return new IPEndPoint(IPAddress.Any, port);
        }

        return IPEndPoint.TryParse(text, out var endpoint) && text.Contains(':', StringComparison.Ordinal)
            ? endpoint
            : throw new OperatorConfigurationException($"{flag} '{text}' must be IP:PORT or :PORT, e.g. 0.0.0.0:8080 (empty turns it off).");
    }
}
