using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s.Models;
using SecretFleet.Kube;
using SecretFleet.Kube.Json;

namespace SecretFleet.Operator.Tests.Support;

/// <summary>The fake's storage rules: system metadata, generations, resourceVersions, selectors, errors.</summary>
internal sealed partial class FakeKubeApi
{
    private void Commit((string, string, string) key, JsonObject json)
    {
        var live = _objects[key];
        if (JsonNode.DeepEquals(live, json))
        {
            return;
        }

        if (!JsonNode.DeepEquals(Spec(live), Spec(json)))
        {
            json["metadata"]!["generation"] = (live["metadata"]!["generation"]?.GetValue<long>() ?? 1) + 1;
        }

        Bump(json);
        if (json["metadata"]!["deletionTimestamp"] is not null && json["metadata"]!["finalizers"] is not JsonArray { Count: > 0 })
        {
            _objects.Remove(key);
            return;
        }

        _objects[key] = Canonical(json);
    }

    /// <summary>Stored as a server would: parsed JSON, so numbers read as any numeric type.</summary>
    private static JsonObject Canonical(JsonObject json) => JsonNode.Parse(json.ToJsonString())!.AsObject();

    private static JsonObject Spec(JsonObject json) =>
        new(json.Where(p => p.Key is not ("metadata" or "status")).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));

    /// <summary>System metadata: new objects get uid, generation and creation time; updates keep the live ones.</summary>
    private void Stamp(JsonObject json, JsonObject? live)
    {
        var metadata = json["metadata"]!.AsObject();
        metadata.Remove("managedFields");
        if (live is null)
        {
            metadata["uid"] ??= Guid.NewGuid().ToString();
            metadata["generation"] ??= 1;
            metadata["creationTimestamp"] ??= JsonSerializer.SerializeToNode(_clock.GetUtcNow(), KubeJson.Options);
            Bump(json);
            return;
        }

        foreach (var field in new[] { "uid", "generation", "creationTimestamp", "deletionTimestamp", "resourceVersion" })
        {
            metadata[field] = live["metadata"]![field]?.DeepClone();
        }
    }

    private void Bump(JsonObject json) =>
        json["metadata"]!["resourceVersion"] = (++_revision).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static void CheckVersion(JsonObject live, string? expected)
    {
        if (expected is { Length: > 0 } && expected != (string?)live["metadata"]!["resourceVersion"])
        {
            throw Error(HttpStatusCode.Conflict, "Conflict", "the object has been modified; please apply your changes to the latest version and try again");
        }
    }

    private void Record(ApiCall call)
    {
        if (!_quiet.Value)
        {
            _calls.Add(call);
        }

        if (FailWhen?.Invoke(call) is { } failure)
        {
            throw failure;
        }
    }

    private static bool Matches(JsonObject json, string? selector)
    {
        if (string.IsNullOrEmpty(selector))
        {
            return true;
        }

        var labels = json["metadata"]?["labels"] as JsonObject;
        foreach (var term in selector.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = term.Split('=', 2);
            var value = labels?[parts[0]]?.GetValue<string>();
            if (value is null || (parts.Length == 2 && value != parts[1]))
            {
                return false;
            }
        }

        return true;
    }

    public static KubeApiException Error(HttpStatusCode code, string reason, string message) =>
        new(message, code, new V1Status { Code = (int)code, Reason = reason, Message = message });

    private static (string, string, string) Key(KubeResource resource, string? ns, string name) => (resource.ToString(), ns ?? "", name);

    /// <summary>The object as stored; like the API server, it takes apiVersion and kind from the URL when the body has none.</summary>
    private static JsonObject ToJson<T>(KubeResource resource, T obj)
    {
        var json = JsonSerializer.SerializeToNode(obj, KubeJson.Options)!.AsObject();
        json["apiVersion"] ??= resource.ApiVersion;
        json["kind"] ??= resource.Kind;
        return json;
    }

    private static T FromJson<T>(JsonObject json) => json.Deserialize<T>(KubeJson.Options)!;

    private sealed class Unquiet(FakeKubeApi api) : IDisposable
    {
        public void Dispose() => api._quiet.Value = false;
    }
}
