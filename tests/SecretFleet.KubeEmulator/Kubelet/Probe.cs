using System.Globalization;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// A readiness or liveness probe of a container: <c>httpGet</c> (HTTP, 200–399 is success) or <c>tcpSocket</c>, on the
/// pod IP unless a host is given, with the Kubernetes defaults for timing and thresholds. <c>exec</c> and <c>grpc</c>
/// probes cannot run here and always fail, saying so.
/// </summary>
internal sealed record Probe(JsonObject Spec, TimeSpan InitialDelay, TimeSpan Period, TimeSpan Timeout, int SuccessThreshold, int FailureThreshold)
{
    public static Probe? From(JsonNode? node)
    {
        if (node is not JsonObject spec)
        {
            return null;
        }

        static long Field(JsonObject spec, string name, long fallback) => Json.TryInteger(spec[name], out var value) ? value : fallback;
        return new Probe(
            spec,
            TimeSpan.FromSeconds(Field(spec, "initialDelaySeconds", 0)),
            TimeSpan.FromSeconds(Math.Max(1, Field(spec, "periodSeconds", 10))),
            TimeSpan.FromSeconds(Math.Max(1, Field(spec, "timeoutSeconds", 1))),
            (int)Math.Max(1, Field(spec, "successThreshold", 1)),
            (int)Math.Max(1, Field(spec, "failureThreshold", 3)));
    }

    /// <summary>Runs the probe once: success, or the failure as the kubelet words it in its events.</summary>
    public async Task<(bool Success, string Message)> RunAsync(HttpClient http, string podIp, JsonObject container, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            if (Spec["httpGet"] is JsonObject get)
            {
                var scheme = Json.String(get["scheme"]) ?? "HTTP";
                if (scheme != "HTTP")
                {
                    return (false, $"{scheme} probes are not supported by the emulated kubelet");
                }

                var uri = new Uri($"http://{Json.String(get["host"]) ?? podIp}:{Port(get["port"], container)}{Json.String(get["path"]) ?? "/"}");
                using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                foreach (var header in (get["httpHeaders"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    request.Headers.TryAddWithoutValidation(Json.String(header["name"]) ?? "", Json.String(header["value"]));
                }

                using var response = await http.SendAsync(request, timeout.Token);
                var code = (int)response.StatusCode;
                return code is >= 200 and < 400 ? (true, "") : (false, $"HTTP probe failed with statuscode: {code}");
            }

            if (Spec["tcpSocket"] is JsonObject tcp)
            {
                using var client = new TcpClient();
                await client.ConnectAsync(Json.String(tcp["host"]) ?? podIp, Port(tcp["port"], container), timeout.Token);
                return (true, "");
            }

            return (false, "only httpGet and tcpSocket probes are supported by the emulated kubelet");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (false, $"probe timed out after {Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s");
        }
        catch (Exception e) when (e is HttpRequestException or SocketException)
        {
            return (false, e.Message);
        }
    }

    /// <summary>A port number, or the name of one of the container's ports.</summary>
    private static int Port(JsonNode? port, JsonObject container)
    {
        if (Json.TryInteger(port, out var number))
        {
            return (int)number;
        }

        var name = Json.String(port);
        var named = (container["ports"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(p => Json.String(p["name"]) == name);
        return named is not null && Json.TryInteger(named["containerPort"], out var resolved) ? (int)resolved
            : int.TryParse(name, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
    }
}
