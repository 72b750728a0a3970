using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// Empties a terminating namespace (deletes every namespaced object in it) and, once nothing is left, clears the
/// namespace's <c>kubernetes</c> finalizer so its deletion completes.
/// </summary>
internal sealed class NamespaceController(ResourceService service) : IEmulatedController
{
    public string Name => "namespace-controller";

    public bool Watches(GroupResource resource) => true;

    public async Task ReconcileAsync(IReadOnlyList<WatchEvent> changes, CancellationToken cancellationToken)
    {
        var namespaceType = service.Registry.Find(BuiltInResources.Namespaces)!;
        foreach (var ns in service.Store.List(BuiltInResources.Namespaces, null).Items.Where(n => n.Deleting))
        {
            var contents = service.Store.All().Where(o => o.Namespace == ns.Name).ToList();
            foreach (var obj in contents.Where(o => !o.Deleting))
            {
                if (service.Registry.Find(obj.Resource) is { } type)
                {
                    await service.DeleteAsync(type, obj.Namespace, obj.Name, new DeleteOptions(DeleteOptions.Background), cancellationToken);
                }
            }

            if (contents.Count == 0)
            {
                await service.MutateAsync(namespaceType, null, ns.Name, null, obj =>
                {
                    var had = obj["spec"]?["finalizers"] is JsonArray { Count: > 0 };
                    obj["spec"] = new JsonObject { ["finalizers"] = new JsonArray() };
                    return had;
                }, "namespace-controller", cancellationToken);
            }
        }
    }
}
