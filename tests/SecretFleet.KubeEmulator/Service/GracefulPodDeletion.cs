using System.Globalization;
using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// Graceful deletion of pods, as a real API server does it: a pod bound to a node (<c>spec.nodeName</c>) and not yet
/// finished is only marked (<c>deletionTimestamp</c> = now + grace, <c>deletionGracePeriodSeconds</c>); the node's
/// kubelet stops its containers and then deletes it with grace 0. Unbound or finished pods, and grace 0, go at once.
/// </summary>
internal static class GracefulPodDeletion
{
    private const long DefaultGraceSeconds = 30;

    /// <summary>The grace period this delete gets, or null when the pod (or object) goes at once.</summary>
    public static long? GracePeriod(ResourceType type, JsonObject obj, DeleteOptions options)
    {
        if (type.GroupResource != BuiltInResources.Pods
            || Json.String(obj["spec"]?["nodeName"]) is not { Length: > 0 }
            || Json.String(obj["status"]?["phase"]) is "Succeeded" or "Failed")
        {
            return null;
        }

        var grace = options.GracePeriodSeconds
            ?? (Json.TryInteger(obj["spec"]?["terminationGracePeriodSeconds"], out var fromSpec) ? fromSpec : DefaultGraceSeconds);
        if (Json.TryInteger(obj["metadata"]?["deletionGracePeriodSeconds"], out var pending) && ObjectMeta.IsDeleting(obj))
        {
            // A second delete may shorten the grace period, never lengthen it.
            grace = Math.Min(grace, pending);
        }

        return grace > 0 ? grace : null;
    }

    /// <summary>Marks the pod as terminating with this grace period; false when it already was, with no shorter grace.</summary>
    public static bool Mark(JsonObject obj, long grace, DateTimeOffset now)
    {
        var metadata = ObjectMeta.Metadata(obj);
        if (ObjectMeta.IsDeleting(obj) && Json.TryInteger(metadata["deletionGracePeriodSeconds"], out var pending) && pending <= grace)
        {
            return false;
        }

        metadata["deletionTimestamp"] = now.AddSeconds(grace).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        metadata["deletionGracePeriodSeconds"] = grace;
        return true;
    }
}
