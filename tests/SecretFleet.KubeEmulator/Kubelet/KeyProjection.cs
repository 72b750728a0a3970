using System.Text;
using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// Writes a Secret's or ConfigMap's keys as files into a volume directory, as the kubelet projects them: every key, or
/// only <c>items</c> (key → relative path, per-item mode), with <c>defaultMode</c> (0644 when absent).
/// </summary>
internal static class KeyProjection
{
    private const int DefaultMode = 420; // 0644

    /// <summary>The raw bytes of a Secret's <c>data</c> or a ConfigMap's <c>data</c>/<c>binaryData</c>.</summary>
    public static Dictionary<string, byte[]> Bytes(GroupResource resource, JsonObject obj)
    {
        var values = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (key, value) in obj["data"] as JsonObject ?? [])
        {
            var text = Json.String(value) ?? "";
            values[key] = resource == BuiltInResources.Secrets ? Convert.FromBase64String(text) : Encoding.UTF8.GetBytes(text);
        }

        foreach (var (key, value) in obj["binaryData"] as JsonObject ?? [])
        {
            values[key] = Convert.FromBase64String(Json.String(value) ?? "");
        }

        return values;
    }

    /// <summary>Replaces the directory's content; an error message (naming the key or path) when the source does not fit.</summary>
    public static string? Write(string directory, IReadOnlyDictionary<string, byte[]> data, JsonObject source)
    {
        var defaultMode = Json.TryInteger(source["defaultMode"], out var mode) ? mode : DefaultMode;
        var files = new List<(string Path, byte[] Content, long Mode)>();
        if (source["items"] is JsonArray { Count: > 0 } items)
        {
            foreach (var item in items.OfType<JsonObject>())
            {
                var key = Json.String(item["key"]) ?? "";
                var path = Json.String(item["path"]) ?? key;
                if (!data.TryGetValue(key, out var content))
                {
                    if (Json.TryBool(source["optional"], out var optional) && optional)
                    {
                        continue;
                    }

                    return $"references non-existent key: {key}";
                }

                if (Path.IsPathRooted(path) || path.Split('/').Contains(".."))
                {
                    return $"item path \"{path}\" must be relative and must not contain '..'";
                }

                files.Add((path, content, Json.TryInteger(item["mode"], out var itemMode) ? itemMode : defaultMode));
            }
        }
        else
        {
            files.AddRange(data.Select(d => (d.Key, d.Value, defaultMode)));
        }

        VolumeDirectories.DeleteTree(directory);
        Directory.CreateDirectory(directory);
        foreach (var (path, content, fileMode) in files)
        {
            var target = Path.Combine(directory, path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllBytes(target, content);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(target, (UnixFileMode)(fileMode & 0x1FF));
            }
        }

        return null;
    }
}
