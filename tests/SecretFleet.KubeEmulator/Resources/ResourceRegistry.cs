namespace SecretFleet.KubeEmulator;

/// <summary>
/// The resources the emulator serves right now: the built-ins plus every established CustomResourceDefinition.
/// Discovery reads it; a CRD's creation or deletion changes it.
/// </summary>
internal sealed class ResourceRegistry
{
    private readonly Lock _gate = new();
    private List<ResourceType> _types;

    public ResourceRegistry(IEnumerable<ResourceType> builtIns) => _types = [.. builtIns];

    public IReadOnlyList<ResourceType> All
    {
        get
        {
            lock (_gate)
            {
                return _types;
            }
        }
    }

    public ResourceType? Find(string group, string version, string plural) =>
        All.FirstOrDefault(t => t.Group == group && t.Version == version && t.Plural == plural);

    /// <summary>The first-registered (preferred) version of a resource.</summary>
    public ResourceType? Find(GroupResource resource) =>
        All.FirstOrDefault(t => t.GroupResource == resource);

    public ResourceType? FindKind(string apiVersion, string kind) =>
        All.FirstOrDefault(t => t.ApiVersion == apiVersion && t.Kind == kind);

    /// <summary>Replaces every version of the resources given (a CRD was created or changed).</summary>
    public void Register(IReadOnlyList<ResourceType> versions)
    {
        lock (_gate)
        {
            var resources = versions.Select(v => v.GroupResource).ToHashSet();
            _types = [.. _types.Where(t => !resources.Contains(t.GroupResource)), .. versions];
        }
    }

    public void Unregister(GroupResource resource)
    {
        lock (_gate)
        {
            _types = [.. _types.Where(t => t.GroupResource != resource)];
        }
    }

    /// <summary>Group name → served versions in registration order (the first is preferred).</summary>
    public IReadOnlyList<(string Group, IReadOnlyList<string> Versions)> Groups() =>
        [.. All.GroupBy(t => t.Group).Select(g => (g.Key, (IReadOnlyList<string>)[.. g.Select(t => t.Version).Distinct()]))];

    public IReadOnlyList<ResourceType> InGroupVersion(string group, string version) =>
        [.. All.Where(t => t.Group == group && t.Version == version)];
}
