using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// The API server's storage layer without HTTP: the verbs (get, list, create, update, patch, apply, delete) with
/// their Kubernetes semantics. The HTTP front end and the in-process controllers both call it. Writes are serialized,
/// so every read-modify-write sees the latest state.
/// </summary>
internal sealed partial class ResourceService(ObjectStore store, ResourceRegistry registry, Admission admission, TimeProvider time)
{
    private readonly SemaphoreSlim _writes = new(1, 1);

    public ObjectStore Store => store;

    public ResourceRegistry Registry => registry;

    public string Now => time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public ApiResult Get(ResourceType type, string? ns, string name)
    {
        var stored = store.Get(type.GroupResource, Scope(type, ns), name);
        return stored is null ? type.NotFound(name) : ApiResult.Ok(Present(type, stored.Parse()));
    }

    /// <summary>A list object (<c>ConfigMapList</c>, …) with the revision it was read at, paged by limit/continue.</summary>
    public ApiResult List(ResourceType type, string? ns, ListOptions options)
    {
        var (items, revision) = store.List(type.GroupResource, Scope(type, ns));
        var matching = items.Where(options.Matches).ToList();
        var start = 0;
        if (options.Continue is { Length: > 0 } token)
        {
            if (DecodeContinue(token) is not var (after, tokenRevision))
            {
                return ApiStatus.BadRequest($"continue key is not valid: {token}");
            }

            start = matching.FindIndex(o => string.CompareOrdinal($"{o.Namespace}/{o.Name}", after) > 0);
            start = start < 0 ? matching.Count : start;
            revision = tokenRevision;
        }

        var page = matching.Skip(start).Take(options.Limit is > 0 ? options.Limit.Value : int.MaxValue).ToList();
        var metadata = new JsonObject { ["resourceVersion"] = revision.ToString(CultureInfo.InvariantCulture) };
        if (start + page.Count < matching.Count)
        {
            var last = page[^1];
            metadata["continue"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{revision}|{last.Namespace}/{last.Name}"));
            metadata["remainingItemCount"] = matching.Count - start - page.Count;
        }

        return ApiResult.Ok(new JsonObject
        {
            ["kind"] = type.ListKind,
            ["apiVersion"] = type.ApiVersion,
            ["metadata"] = metadata,
            ["items"] = new JsonArray([.. page.Select(o => (JsonNode)Present(type, o.Parse()))]),
        });
    }

    /// <summary>An object as served in a given version: stored once, apiVersion rewritten (no conversion webhooks here).</summary>
    public static JsonObject Present(ResourceType type, JsonObject obj)
    {
        obj["apiVersion"] = type.ApiVersion;
        obj["kind"] = type.Kind;
        return obj;
    }

    private static string? Scope(ResourceType type, string? ns) => type.Namespaced ? ns : null;

    private static (string After, long Revision)? DecodeContinue(string token)
    {
        var bytes = new byte[token.Length];
        if (!Convert.TryFromBase64String(token, bytes, out var length))
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(bytes, 0, length);
        var bar = text.IndexOf('|', StringComparison.Ordinal);
        return bar > 0 && long.TryParse(text[..bar], CultureInfo.InvariantCulture, out var revision) ? (text[(bar + 1)..], revision) : null;
    }

    private async Task<IDisposable> WriteLockAsync(CancellationToken cancellationToken)
    {
        await _writes.WaitAsync(cancellationToken);
        return new Releaser(_writes);
    }

    private sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }
}
