using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// kubectl's typed clients (<c>kubectl create namespace|configmap|secret|serviceaccount</c>) send
/// <c>application/vnd.kubernetes.protobuf</c> and do not fall back to JSON. This decodes those few kinds
/// (the <c>k8s\0</c> envelope, runtime.Unknown, ObjectMeta and the kind's own fields) into JSON;
/// anything else gets 415.
/// </summary>
internal static class ProtobufBodies
{
    private static readonly byte[] Magic = "k8s\0"u8.ToArray();

    public static (JsonObject? Object, string? Error) Decode(byte[] body)
    {
        try
        {
            return DecodeEnvelope(body);
        }
        catch (InvalidProtocolBufferException e)
        {
            return (null, $"the protobuf body is malformed: {e.Message}");
        }
    }

    private static (JsonObject? Object, string? Error) DecodeEnvelope(byte[] body)
    {
        if (body.Length < Magic.Length || !body.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            return (null, "the protobuf body lacks the k8s envelope");
        }

        string? apiVersion = null, kind = null;
        byte[]? raw = null;
        foreach (var (field, value) in Fields(body[Magic.Length..]))
        {
            switch (field)
            {
                case 1:
                    foreach (var (typeField, typeValue) in Fields(value.Bytes))
                    {
                        apiVersion = typeField == 1 ? typeValue.Text : apiVersion;
                        kind = typeField == 2 ? typeValue.Text : kind;
                    }

                    break;
                case 2:
                    raw = value.Bytes;
                    break;
            }
        }

        var obj = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind };
        var decoder = (apiVersion, kind) switch
        {
            ("v1", "Namespace") => (Action<JsonObject, int, Value>)Namespace,
            ("v1", "ConfigMap") => ConfigMap,
            ("v1", "Secret") => Secret,
            ("v1", "ServiceAccount") => (_, _, _) => { },
            _ => null,
        };
        if (decoder is null || raw is null)
        {
            return (null, $"protobuf bodies are decoded for Namespace, ConfigMap, Secret and ServiceAccount only (got {apiVersion} {kind}); send JSON");
        }

        foreach (var (field, value) in Fields(raw))
        {
            if (field == 1)
            {
                obj["metadata"] = Metadata(value.Bytes);
            }
            else
            {
                decoder(obj, field, value);
            }
        }

        return (obj, null);
    }

    private static void Namespace(JsonObject obj, int field, Value value)
    {
        if (field == 2)
        {
            obj["spec"] = new JsonObject { ["finalizers"] = new JsonArray([.. Fields(value.Bytes).Where(f => f.Field == 1).Select(f => (JsonNode)f.Value.Text)]) };
        }
    }

    private static void ConfigMap(JsonObject obj, int field, Value value)
    {
        switch (field)
        {
            case 2:
                AddEntry(obj, "data", value, bytes: false);
                break;
            case 3:
                AddEntry(obj, "binaryData", value, bytes: true);
                break;
            case 4:
                obj["immutable"] = value.Number != 0;
                break;
        }
    }

    private static void Secret(JsonObject obj, int field, Value value)
    {
        switch (field)
        {
            case 2:
                AddEntry(obj, "data", value, bytes: true);
                break;
            case 3:
                obj["type"] = value.Text;
                break;
            case 4:
                AddEntry(obj, "stringData", value, bytes: false);
                break;
            case 5:
                obj["immutable"] = value.Number != 0;
                break;
        }
    }

    private static JsonObject Metadata(byte[] bytes)
    {
        var metadata = new JsonObject();
        foreach (var (field, value) in Fields(bytes))
        {
            switch (field)
            {
                case 1: metadata["name"] = value.Text; break;
                case 2: metadata["generateName"] = value.Text; break;
                case 3: metadata["namespace"] = value.Text; break;
                case 11: AddEntry(metadata, "labels", value, bytes: false); break;
                case 12: AddEntry(metadata, "annotations", value, bytes: false); break;
                case 14: (metadata["finalizers"] ??= new JsonArray()).AsArray().Add(value.Text); break;
            }
        }

        return metadata;
    }

    /// <summary>A protobuf map entry (key = 1, value = 2) into a JSON map; bytes values become base64, as JSON carries them.</summary>
    private static void AddEntry(JsonObject obj, string name, Value entry, bool bytes)
    {
        string key = "";
        JsonNode? mapped = null;
        foreach (var (field, value) in Fields(entry.Bytes))
        {
            if (field == 1)
            {
                key = value.Text;
            }
            else if (field == 2)
            {
                mapped = bytes ? Convert.ToBase64String(value.Bytes) : value.Text;
            }
        }

        ((obj[name] ??= new JsonObject()).AsObject())[key] = mapped ?? (bytes ? "" : "");
    }

    private static IEnumerable<(int Field, Value Value)> Fields(byte[] bytes)
    {
        var input = new CodedInputStream(bytes);
        var fields = new List<(int, Value)>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            var field = WireFormat.GetTagFieldNumber(tag);
            switch (WireFormat.GetTagWireType(tag))
            {
                case WireFormat.WireType.Varint:
                    fields.Add((field, new Value([], input.ReadInt64())));
                    break;
                case WireFormat.WireType.LengthDelimited:
                    fields.Add((field, new Value(input.ReadBytes().ToByteArray(), 0)));
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }

        return fields;
    }

    private sealed record Value(byte[] Bytes, long Number)
    {
        public string Text => Encoding.UTF8.GetString(Bytes);
    }
}
