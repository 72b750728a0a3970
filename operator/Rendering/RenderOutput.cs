using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using SecretFleet.Kube.Json;
using SecretFleet.Operator.Crd;

namespace SecretFleet.Operator.Rendering;

/// <summary>Serializes rendered objects: the same JSON the operator sends to the API server, as YAML documents or a JSON List.</summary>
internal static class RenderOutput
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>An object as the operator sends it.</summary>
    public static JsonObject ToJson(IKubernetesObject<V1ObjectMeta> obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        // Through text, so numbers and strings are plain parsed values whatever the builder made them from.
        return JsonNode.Parse(JsonSerializer.Serialize(obj, obj.GetType(), KubeJson.Options))!.AsObject();
    }

    public static string Write(IReadOnlyList<IKubernetesObject<V1ObjectMeta>> objects, RenderFormat format)
    {
        ArgumentNullException.ThrowIfNull(objects);
        if (format == RenderFormat.Json)
        {
            var list = new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "List",
                ["items"] = new JsonArray([.. objects.Select(o => (JsonNode)ToJson(o))]),
            };
            return list.ToJsonString(Indented) + "\n";
        }

        var yaml = new StringBuilder();
        foreach (var obj in objects)
        {
            yaml.Append("---\n").Append(YamlWriter.Write(ToJson(obj)));
        }

        return yaml.ToString();
    }
}
