namespace SecretFleet.KubeEmulator;

/// <summary>
/// The persistent volumes behind PersistentVolumeClaims: one directory per claim uid, provisioned when the claim is
/// bound, attached to one pod at a time (ReadWriteOnce), and deleted once the claim is gone and no pod uses it
/// (reclaim policy Delete, as with dynamic provisioning).
/// </summary>
internal sealed class VolumeDirectories(string root)
{
    private readonly Dictionary<string, string?> _attachedTo = new(StringComparer.Ordinal);
    private readonly HashSet<string> _released = new(StringComparer.Ordinal);

    public string PathOf(string claimUid) => Path.Combine(root, claimUid);

    /// <summary>The claim uids that have a directory.</summary>
    public IReadOnlyList<string> Provisioned()
    {
        lock (_attachedTo)
        {
            return [.. _attachedTo.Keys];
        }
    }

    public void Provision(string claimUid)
    {
        lock (_attachedTo)
        {
            if (_released.Contains(claimUid))
            {
                return;
            }

            Directory.CreateDirectory(PathOf(claimUid));
            _attachedTo.TryAdd(claimUid, null);
        }
    }

    /// <summary>Attaches the volume to a pod; the name of the pod holding it when another one does.</summary>
    public string? TryAttach(string claimUid, string podUid, string podName)
    {
        lock (_attachedTo)
        {
            if (_released.Contains(claimUid))
            {
                return "(deleted)";
            }

            if (_attachedTo.TryGetValue(claimUid, out var holder) && holder is not null && !holder.StartsWith(podUid + "/", StringComparison.Ordinal))
            {
                return holder[(holder.IndexOf('/', StringComparison.Ordinal) + 1)..];
            }

            Directory.CreateDirectory(PathOf(claimUid));
            _attachedTo[claimUid] = podUid + "/" + podName;
            return null;
        }
    }

    public void Detach(string claimUid, string podUid)
    {
        lock (_attachedTo)
        {
            if (_attachedTo.TryGetValue(claimUid, out var holder) && holder?.StartsWith(podUid + "/", StringComparison.Ordinal) == true)
            {
                _attachedTo[claimUid] = null;
                DeleteIfReleased(claimUid);
            }
        }
    }

    /// <summary>The claim is gone: delete its directory now, or when the pod still holding it lets go.</summary>
    public void Release(string claimUid)
    {
        lock (_attachedTo)
        {
            _released.Add(claimUid);
            DeleteIfReleased(claimUid);
        }
    }

    private void DeleteIfReleased(string claimUid)
    {
        if (_released.Contains(claimUid) && _attachedTo.TryGetValue(claimUid, out var holder) && holder is null)
        {
            _attachedTo.Remove(claimUid);
            DeleteTree(PathOf(claimUid));
        }
    }

    internal static void DeleteTree(string path)
    {
        if (!Directory.Exists(path))
        {
            return;
        }

        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (UnauthorizedAccessException) when (!OperatingSystem.IsWindows())
        {
            // Read-only files (projected secrets with mode 0400) inside read-only directories: open them up and retry.
            foreach (var entry in Directory.EnumerateFileSystemEntries(path, "*", SearchOption.AllDirectories).Prepend(path))
            {
                File.SetUnixFileMode(entry, Directory.Exists(entry) ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute : UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            Directory.Delete(path, recursive: true);
        }
    }
}
