using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>What a fresh cluster already has: the usual namespaces and cert-manager's CRDs.</summary>
internal static class Bootstrap
{
    public static async Task SeedAsync(ResourceService service, CancellationToken cancellationToken)
    {
        var namespaces = service.Registry.Find(BuiltInResources.Namespaces)!;
        var crds = service.Registry.Find(BuiltInResources.CustomResourceDefinitions)!;
        var options = new WriteOptions("kube-apiserver");
        foreach (var name in new[] { "default", "kube-system", "kube-public", "kube-node-lease", "cert-manager" })
        {
            var ns = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = name } };
            _ = (await service.CreateAsync(namespaces, null, ns, options, cancellationToken)).Value;
        }

        foreach (var crd in CertManagerCrds.All())
        {
            _ = (await service.CreateAsync(crds, null, crd, options with { FieldManager = "cert-manager" }, cancellationToken)).Value;
        }
    }
}
