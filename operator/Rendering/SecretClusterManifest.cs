using System.Text.Json;
using System.Text.Json.Nodes;
using SecretFleet.Kube.Json;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.Operator.Crd;
using SecretFleet.Operator.Epochs;

namespace SecretFleet.Operator.Rendering;

/// <summary>
/// Turns one manifest document into the SecretCluster the operator would read from the API server, or the first
/// reason it would never get there: the API server's checks against the CRD this operator generates (defaults,
/// schema, CEL rules; see <see cref="CrdSchemaValidator"/>), then the operator's own check of <c>spec.refresh</c>.
/// </summary>
internal static class SecretClusterManifest
{
    /// <summary>The owner uid children get when the manifest has none (it was never created): all zeros, plainly not a real one.</summary>
    public const string PlaceholderUid = "00000000-0000-0000-0000-000000000000";

    /// <summary>Where a manifest without <c>metadata.namespace</c> goes when no namespace is given, as with kubectl.</summary>
    public const string DefaultNamespace = "default";

    private static readonly Lazy<JsonObject> Schema = new(() =>
    {
        var crd = CrdGenerator.Build(typeof(SecretCluster));
        var version = crd["spec"]!["versions"]!.AsArray().Single(v => (string?)v!["name"] == SecretCluster.ApiGroupVersion.Split('/')[1])!;
        return Canonical(version["schema"]!["openAPIV3Schema"]!.AsObject());
    });

    /// <param name="content">The document as JSON.</param>
    /// <param name="namespaceGiven">The namespace asked for on the command line, if any.</param>
    public static (SecretCluster? Cluster, ManifestProblem? Problem) Read(JsonNode? content, string? namespaceGiven)
    {
        if (content is not JsonObject document)
        {
            return (null, new ManifestProblem("", $"is {(content is null ? "empty" : "not a YAML mapping")}; expected a SecretCluster"));
        }

        document = Canonical(document);
        var apiVersion = document["apiVersion"] is JsonValue a && a.GetValueKind() == JsonValueKind.String ? a.GetValue<string>() : null;
        var kind = document["kind"] is JsonValue k && k.GetValueKind() == JsonValueKind.String ? k.GetValue<string>() : null;
        if (kind != SecretCluster.KindName)
        {
            return (null, new ManifestProblem("kind", kind is null
                ? $"missing; render takes a {SecretCluster.KindName} ({SecretCluster.ApiGroupVersion})"
                : $"{kind} is not a {SecretCluster.KindName}, the only kind render takes ({SecretCluster.ApiGroupVersion})"));
        }

        if (apiVersion != SecretCluster.ApiGroupVersion)
        {
            return (null, new ManifestProblem("apiVersion", $"{apiVersion ?? "missing"}; this operator serves {SecretCluster.KindName} as {SecretCluster.ApiGroupVersion}"));
        }

        if (Metadata(document, namespaceGiven) is { } metadataProblem)
        {
            return (null, metadataProblem);
        }

        // The status subresource: whatever status a manifest carries (kubectl get -o yaml) is not what is created.
        document.Remove("status");
        var problems = CrdSchemaValidator.DefaultAndValidate(document, Schema.Value);
        if (problems.Count > 0)
        {
            var first = problems[0];
            return (null, problems.Count == 1 ? first : first with { Message = $"{first.Message} (and {problems.Count - 1} more)" });
        }

        SecretCluster cluster;
        try
        {
            cluster = KubeJson.Deserialize<SecretCluster>(document.ToJsonString())!;
        }
        catch (JsonException e)
        {
            // The schema passed, so this is a field the schema and the C# types read differently.
            return (null, new ManifestProblem(e.Path?.TrimStart('$', '.') ?? "", e.Message));
        }

        cluster = cluster with
        {
            Metadata = cluster.Metadata with
            {
                NamespaceProperty = cluster.Metadata.NamespaceProperty ?? namespaceGiven ?? DefaultNamespace,
                Uid = cluster.Metadata.Uid ?? PlaceholderUid,
            },
        };

        // What the operator itself refuses (a schedule that never fires, an interval under the minimum), in its words.
        if (RefreshPlanner.Plan(cluster, DateTimeOffset.UnixEpoch).ScheduleError is { } scheduleError)
        {
            return (null, new ManifestProblem("", scheduleError));
        }

        return (cluster, null);
    }

    private static ManifestProblem? Metadata(JsonObject document, string? namespaceGiven)
    {
        if (document["metadata"] is not JsonObject metadata)
        {
            return new ManifestProblem("metadata", document.ContainsKey("metadata") ? "must be an object" : "required (a SecretCluster needs metadata.name)");
        }

        if (metadata["name"] is not JsonValue name || name.GetValueKind() != JsonValueKind.String || name.GetValue<string>().Length == 0)
        {
            return new ManifestProblem("metadata.name", "required: the name every child's name is made from");
        }

        if (metadata["namespace"] is { } ns)
        {
            if (ns is not JsonValue value || value.GetValueKind() != JsonValueKind.String || value.GetValue<string>().Length == 0)
            {
                return new ManifestProblem("metadata.namespace", "must be a non-empty string");
            }

            if (namespaceGiven is not null && value.GetValue<string>() != namespaceGiven)
            {
                return new ManifestProblem("metadata.namespace", $"is {value.GetValue<string>()}, but --namespace asks for {namespaceGiven}");
            }
        }

        return null;
    }

    /// <summary>Parsed JSON, so that every number reads as any numeric type and every node has one owner.</summary>
    private static JsonObject Canonical(JsonObject json) => JsonNode.Parse(json.ToJsonString())!.AsObject();
}
