using System.Net;
using System.Text.Json;
using SecretFleet.Kube.Json;
using SecretFleet.Kube.Models;

namespace SecretFleet.Kube.Watch;

/// <summary>Turns the newline-delimited JSON of a watch response into events.</summary>
internal static class WatchStreamReader
{
    /// <summary>Parses one line; a non-410 ERROR event becomes a <see cref="KubeApiException"/>.</summary>
    public static WatchEvent<T> Parse<T>(string line, string path)
        where T : class, IKubeObject
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            var type = root.TryGetProperty("type", out var t) ? t.GetString() : null;
            if (!root.TryGetProperty("object", out var obj))
            {
                throw new KubeApiException($"WATCH {path}: an event without \"object\" arrived: the stream is corrupt.");
            }

            switch (type)
            {
                case "ADDED":
                    return new WatchEvent<T>(WatchEventType.Added, Read<T>(obj));
                case "MODIFIED":
                    return new WatchEvent<T>(WatchEventType.Modified, Read<T>(obj));
                case "DELETED":
                    return new WatchEvent<T>(WatchEventType.Deleted, Read<T>(obj));
                case "BOOKMARK":
                    return new WatchEvent<T>(WatchEventType.Bookmark, Read<T>(obj));
                case "ERROR":
                    var status = obj.Deserialize<ApiStatus>(KubeJson.Options);
                    if (status?.Code == 410 || status?.Reason is "Expired" or "Gone")
                    {
                        return new WatchEvent<T>(WatchEventType.Expired, null, status);
                    }

                    var code = status?.Code is int c ? (HttpStatusCode?)c : null;
                    throw new KubeApiException($"WATCH {path}: the server ended the watch with {status?.Code} {status?.Reason}: {status?.Message}", code, status);
                default:
                    throw new KubeApiException($"WATCH {path}: unknown event type \"{type}\": the stream is corrupt.");
            }
        }
        catch (JsonException e)
        {
            throw new KubeApiException($"WATCH {path}: an event is not valid JSON ({e.Message}).", e);
        }
    }

    private static T Read<T>(JsonElement element) =>
        element.Deserialize<T>(KubeJson.Options) ?? throw new JsonException("The event's object is null.");
}
