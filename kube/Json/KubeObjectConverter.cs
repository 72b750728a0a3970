using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using SecretFleet.Kube.Models;

namespace SecretFleet.Kube.Json;

/// <summary>
/// Flattens <see cref="KubeObject.Body"/> beside apiVersion, kind and metadata. Written by hand: an
/// [JsonExtensionData] JsonObject wrote invalid JSON when tried with a source-generated context (.NET 10),
/// and a plain converter keeps Body an ordinary JsonObject either way.
/// </summary>
public sealed class KubeObjectConverter : JsonConverter<KubeObject>
{
    public override KubeObject Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var node = JsonNode.Parse(ref reader) as JsonObject ?? throw new JsonException("A Kubernetes object must be a JSON object.");
        var apiVersion = (string?)node["apiVersion"];
        var kind = (string?)node["kind"];
        var metadata = node["metadata"]?.Deserialize<ObjectMeta>(options) ?? new ObjectMeta();
        node.Remove("apiVersion");
        node.Remove("kind");
        node.Remove("metadata");
        return new KubeObject { ApiVersion = apiVersion, Kind = kind, Metadata = metadata, Body = node };
    }

    public override void Write(Utf8JsonWriter writer, KubeObject value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartObject();
        if (value.ApiVersion is not null)
        {
            writer.WriteString("apiVersion", value.ApiVersion);
        }

        if (value.Kind is not null)
        {
            writer.WriteString("kind", value.Kind);
        }

        writer.WritePropertyName("metadata");
        JsonSerializer.Serialize(writer, value.Metadata, options);
        foreach (var (name, child) in value.Body)
        {
            if (name is "apiVersion" or "kind" or "metadata")
            {
                continue;
            }

            writer.WritePropertyName(name);
            if (child is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                child.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
    }
}
