using System.Reflection;
using k8s;
using k8s.Models;

namespace SecretFleet.Kube;

/// <summary>The resources SecretFleet touches. Anything else: build a <see cref="KubeResource"/> yourself.</summary>
public static class KubeResources
{
    public static KubeResource Pods { get; } = new("", "v1", "pods", "Pod", true);

    public static KubeResource Services { get; } = new("", "v1", "services", "Service", true);

    public static KubeResource Secrets { get; } = new("", "v1", "secrets", "Secret", true);

    public static KubeResource ConfigMaps { get; } = new("", "v1", "configmaps", "ConfigMap", true);

    /// <summary>core/v1 Events (what older tools read); new code writes <see cref="Events"/>.</summary>
    public static KubeResource CoreEvents { get; } = new("", "v1", "events", "Event", true);

    public static KubeResource PersistentVolumeClaims { get; } = new("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", true);

    public static KubeResource ServiceAccounts { get; } = new("", "v1", "serviceaccounts", "ServiceAccount", true);

    public static KubeResource Namespaces { get; } = new("", "v1", "namespaces", "Namespace", false);

    public static KubeResource StatefulSets { get; } = new("apps", "v1", "statefulsets", "StatefulSet", true);

    public static KubeResource PodDisruptionBudgets { get; } = new("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", true);

    public static KubeResource NetworkPolicies { get; } = new("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true);

    public static KubeResource Leases { get; } = new("coordination.k8s.io", "v1", "leases", "Lease", true);

    /// <summary>events.k8s.io/v1 Events, the current Events API.</summary>
    public static KubeResource Events { get; } = new("events.k8s.io", "v1", "events", "Event", true);

    public static KubeResource Issuers { get; } = new("cert-manager.io", "v1", "issuers", "Issuer", true);

    public static KubeResource ClusterIssuers { get; } = new("cert-manager.io", "v1", "clusterissuers", "ClusterIssuer", false);

    public static KubeResource Certificates { get; } = new("cert-manager.io", "v1", "certificates", "Certificate", true);

    public static KubeResource SecretClusters { get; } = new("secretfleet.io", "v1alpha1", "secretclusters", "SecretCluster", true);

    public static KubeResource CustomResourceDefinitions { get; } =
        new("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", false);

    public static IReadOnlyList<KubeResource> All { get; } =
    [
        Pods, Services, Secrets, ConfigMaps, CoreEvents, PersistentVolumeClaims, ServiceAccounts, Namespaces,
        StatefulSets, PodDisruptionBudgets, NetworkPolicies, Leases, Events, Issuers, ClusterIssuers, Certificates, SecretClusters,
        CustomResourceDefinitions,
    ];

    /// <summary>The resource for an apiVersion and kind, e.g. ("apps/v1", "StatefulSet").</summary>
    public static KubeResource? Find(string apiVersion, string kind)
    {
        foreach (var r in All)
        {
            if (r.ApiVersion == apiVersion && r.Kind == kind)
            {
                return r;
            }
        }

        return null;
    }

    /// <summary>
    /// The resource of a typed kind, from its <see cref="KubernetesEntityAttribute"/> (the library's models carry one; so
    /// do ours). Whether it is namespaced comes from the registered resource: the attribute does not say.
    /// </summary>
    public static KubeResource Of<T>()
        where T : IKubernetesObject => ResourceOf<T>.Value;

    /// <summary>Like <see cref="Find"/>, for callers that cannot go on without it.</summary>
    public static KubeResource Get(string apiVersion, string kind) =>
        Find(apiVersion, kind)
        ?? throw new ArgumentException($"No resource registered for apiVersion \"{apiVersion}\" kind \"{kind}\"; add it to KubeResources or pass a KubeResource.");

    private static class ResourceOf<T>
        where T : IKubernetesObject
    {
        public static readonly KubeResource Value = typeof(T).GetCustomAttribute<KubernetesEntityAttribute>() is { } entity
            ? Get(string.IsNullOrEmpty(entity.Group) ? entity.ApiVersion : $"{entity.Group}/{entity.ApiVersion}", entity.Kind)
            : throw new ArgumentException($"{typeof(T).Name} carries no [KubernetesEntity]; pass its KubeResource.");
    }
}
