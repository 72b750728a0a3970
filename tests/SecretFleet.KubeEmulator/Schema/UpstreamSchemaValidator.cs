using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// Checks objects against the upstream JSON schemas (npm <c>kubernetes-models</c>, <c>@kubernetes-models/cert-manager</c>)
/// through one long-lived <c>node tests/tools/validate-k8s.js</c> process, one JSON line per object.
/// </summary>
internal sealed class UpstreamSchemaValidator(string repositoryRoot) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Process? _node;
    private long _nextId;

    /// <summary>The causes of rejection (empty when valid), or null when no upstream schema exists for the kind.</summary>
    public async Task<IReadOnlyList<StatusCause>?> ValidateAsync(string apiVersion, string kind, JsonObject obj, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var node = Start();
            var id = ++_nextId;
            var request = new JsonObject { ["id"] = id, ["apiVersion"] = apiVersion, ["kind"] = kind, ["object"] = obj.DeepClone() };
            await node.StandardInput.WriteLineAsync(request.ToJsonString().AsMemory(), cancellationToken);
            await node.StandardInput.FlushAsync(cancellationToken);
            var line = await node.StandardOutput.ReadLineAsync(cancellationToken)
                ?? throw new InvalidOperationException("The schema validator (node tests/tools/validate-k8s.js) exited; run `make deps` so tests/peers/node_modules exists.");
            var answer = JsonNode.Parse(line)!.AsObject();
            if (!(Json.TryBool(answer["known"], out var known) && known))
            {
                return null;
            }

            return [.. (answer["errors"] as JsonArray ?? []).OfType<JsonObject>().Select(e => ToCause(e, obj))];
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_node is { HasExited: false })
            {
                _node.StandardInput.Close();
                if (!_node.WaitForExit(TimeSpan.FromSeconds(5)))
                {
                    _node.Kill();
                }
            }

            _node?.Dispose();
            _node = null;
        }
        finally
        {
            _gate.Release();
        }
    }

    private Process Start()
    {
        if (_node is { HasExited: false })
        {
            return _node;
        }

        var script = Path.Combine(repositoryRoot, "tests", "tools", "validate-k8s.js");
        var peers = Path.Combine(repositoryRoot, "tests", "peers");
        if (!Directory.Exists(Path.Combine(peers, "node_modules", "kubernetes-models")))
        {
            throw new InvalidOperationException($"Upstream schemas missing: {peers}/node_modules has no kubernetes-models; run `make deps` (npm ci in tests/peers).");
        }

        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(peers);
        _node = Process.Start(start) ?? throw new InvalidOperationException("Could not start `node` for schema validation; install Node.js.");
        return _node;
    }

    /// <summary>Turns an ajv error into a cause worded like the API server's field errors.</summary>
    private static StatusCause ToCause(JsonObject error, JsonObject obj)
    {
        var pointer = Json.String(error["path"]) ?? "";
        var keyword = Json.String(error["keyword"]) ?? "";
        var message = Json.String(error["message"]) ?? "is invalid";
        var field = FieldPath(pointer);
        if (keyword == "required" && Json.String(error["params"]?["missingProperty"]) is { } missing)
        {
            return new StatusCause(StatusCause.FieldValueRequired, "Required value", field.Length == 0 ? missing : $"{field}.{missing}");
        }

        var value = Resolve(obj, pointer);
        return keyword switch
        {
            "type" => new StatusCause(StatusCause.FieldValueTypeInvalid,
                $"Invalid value: \"{Json.TypeName(value)}\": {field} in body must be of type {Json.String(error["params"]?["type"])}: \"{Json.TypeName(value)}\"", field),
            "enum" => new StatusCause(StatusCause.FieldValueNotSupported,
                $"Unsupported value: {value?.ToJsonString()}: supported values: {string.Join(", ", (error["params"]?["allowedValues"] as JsonArray ?? []).Select(v => v?.ToJsonString()))}", field),
            _ => new StatusCause(StatusCause.FieldValueInvalid, $"Invalid value: {value?.ToJsonString() ?? "null"}: {message}", field),
        };
    }

    /// <summary><c>/spec/containers/0/ports/0/containerPort</c> → <c>spec.containers[0].ports[0].containerPort</c>.</summary>
    public static string FieldPath(string pointer)
    {
        var path = new System.Text.StringBuilder();
        foreach (var token in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = token.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                path.Append('[').Append(name).Append(']');
            }
            else
            {
                path.Append(path.Length == 0 ? "" : ".").Append(name);
            }
        }

        return path.ToString();
    }

    private static JsonNode? Resolve(JsonNode? node, string pointer)
    {
        foreach (var token in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            node = node switch
            {
                JsonObject o => o[token.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)],
                JsonArray a when int.TryParse(token, CultureInfo.InvariantCulture, out var i) && i < a.Count => a[i],
                _ => null,
            };
        }

        return node;
    }
}
