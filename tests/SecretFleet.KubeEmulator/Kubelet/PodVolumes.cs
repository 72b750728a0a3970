using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// The volumes of one pod on this node: Secrets and ConfigMaps projected into per-pod directories (rewritten at every
/// mount, so a restarted container sees current data), emptyDirs, and PersistentVolumeClaims attached to their
/// claim's directory. Other volume types cannot be mounted here.
/// </summary>
internal sealed class PodVolumes(ResourceService service, VolumeDirectories claims, string podDirectory, string podUid)
{
    private readonly Dictionary<string, string> _paths = new(StringComparer.Ordinal);
    private readonly HashSet<string> _attached = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string> Paths => _paths;

    /// <summary>Mounts (again) every volume of the pod; the FailedMount message when one cannot be mounted yet.</summary>
    public string? Mount(JsonObject pod)
    {
        var ns = ObjectMeta.Namespace(pod);
        foreach (var volume in (pod["spec"]?["volumes"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var name = Json.String(volume["name"]) ?? "";
            var directory = Path.Combine(podDirectory, "volumes", name);
            var error = volume switch
            {
                _ when volume["secret"] is JsonObject secret =>
                    Project(BuiltInResources.Secrets, ns, Json.String(secret["secretName"]) ?? "", secret, directory),
                _ when volume["configMap"] is JsonObject configMap =>
                    Project(BuiltInResources.ConfigMaps, ns, Json.String(configMap["name"]) ?? "", configMap, directory),
                _ when volume["emptyDir"] is JsonObject => CreateEmptyDir(directory),
                _ when volume["persistentVolumeClaim"] is JsonObject claim =>
                    Attach(ns, Json.String(claim["claimName"]) ?? "", ObjectMeta.Name(pod), out directory),
                _ => "this volume type is not supported by the emulated kubelet (secret, configMap, emptyDir and persistentVolumeClaim are)",
            };
            if (error is not null)
            {
                return $"MountVolume.SetUp failed for volume \"{name}\": {error}";
            }

            _paths[name] = directory;
        }

        return null;
    }

    /// <summary>Lets go of the claims and deletes the pod's own directories (projected keys, emptyDirs).</summary>
    public void Unmount()
    {
        foreach (var claimUid in _attached)
        {
            claims.Detach(claimUid, podUid);
        }

        _attached.Clear();
        VolumeDirectories.DeleteTree(podDirectory);
    }

    private string? Project(GroupResource resource, string? ns, string sourceName, JsonObject source, string directory)
    {
        var obj = service.Store.Get(resource, ns, sourceName)?.Parse();
        if (obj is null)
        {
            if (Json.TryBool(source["optional"], out var optional) && optional)
            {
                Directory.CreateDirectory(directory);
                return null;
            }

            return $"{(resource == BuiltInResources.Secrets ? "secret" : "configmap")} \"{sourceName}\" not found";
        }

        return KeyProjection.Write(directory, KeyProjection.Bytes(resource, obj), source);
    }

    private static string? CreateEmptyDir(string directory)
    {
        Directory.CreateDirectory(directory);
        return null;
    }

    private string? Attach(string? ns, string claimName, string podName, out string directory)
    {
        directory = "";
        var claim = service.Store.Get(BuiltInResources.PersistentVolumeClaims, ns, claimName)?.Parse();
        if (claim is null)
        {
            return $"persistentvolumeclaim \"{claimName}\" not found";
        }

        var claimUid = ObjectMeta.Uid(claim);
        if (!_attached.Contains(claimUid))
        {
            if (ObjectMeta.IsDeleting(claim))
            {
                return $"persistentvolumeclaim \"{claimName}\" is being deleted";
            }

            if (Json.String(claim["status"]?["phase"]) != "Bound")
            {
                return $"persistentvolumeclaim \"{claimName}\" is not bound yet";
            }

            if (claims.TryAttach(claimUid, podUid, podName) is { } holder)
            {
                return $"Multi-Attach error: the volume of claim \"{claimName}\" is still used by pod {holder}";
            }

            _attached.Add(claimUid);
        }

        directory = claims.PathOf(claimUid);
        return null;
    }
}
