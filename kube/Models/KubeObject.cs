using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using SecretFleet.Kube.Json;

namespace SecretFleet.Kube.Models;

/// <summary>
/// Any kind as apiVersion + kind + metadata + the rest of the body as JSON (spec, status, data, …).
/// The operator's spec builders produce these for the kinds we do not type (Service, PDB, Certificate, …).
/// </summary>
[JsonConverter(typeof(KubeObjectConverter))]
public sealed record KubeObject : IKubeObject
{
    public string? ApiVersion { get; init; }

    public string? Kind { get; init; }

    public ObjectMeta Metadata { get; init; } = new();

    /// <summary>Every top-level field other than apiVersion, kind and metadata.</summary>
    public JsonObject Body { get; init; } = [];

    public KubeObject()
    {
    }

    public KubeObject(string apiVersion, string kind, ObjectMeta metadata, JsonObject? body = null)
    {
        ApiVersion = apiVersion;
        Kind = kind;
        Metadata = metadata;
        Body = body ?? [];
    }

    /// <summary>The registered resource for this object's apiVersion and kind.</summary>
    [JsonIgnore]
    public KubeResource Resource => KubeResources.Get(ApiVersion ?? "", Kind ?? "");
}
