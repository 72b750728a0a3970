namespace SecretFleet.KubeEmulator;

/// <summary>The built-in kinds the emulator serves from the start, as a cluster's discovery would list them.</summary>
internal static class BuiltInResources
{
    public static IReadOnlyList<ResourceType> All { get; } =
    [
        Make("", "v1", "namespaces", "Namespace", cluster: true, status: true, shortNames: ["ns"], generation: false),
        Make("", "v1", "pods", "Pod", status: true, shortNames: ["po"], categories: ["all"]),
        Make("", "v1", "services", "Service", status: true, shortNames: ["svc"], categories: ["all"]),
        Make("", "v1", "secrets", "Secret", generation: false),
        Make("", "v1", "configmaps", "ConfigMap", shortNames: ["cm"], generation: false),
        Make("", "v1", "events", "Event", shortNames: ["ev"], generation: false),
        Make("", "v1", "serviceaccounts", "ServiceAccount", shortNames: ["sa"], generation: false),
        Make("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", status: true, shortNames: ["pvc"]),
        Make("apps", "v1", "statefulsets", "StatefulSet", status: true, scale: true, shortNames: ["sts"], categories: ["all"]),
        Make("apps", "v1", "deployments", "Deployment", status: true, scale: true, shortNames: ["deploy"], categories: ["all"]),
        Make("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", status: true, shortNames: ["pdb"]),
        Make("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", shortNames: ["netpol"]),
        Make("coordination.k8s.io", "v1", "leases", "Lease", generation: false),
        Make("events.k8s.io", "v1", "events", "Event", shortNames: ["ev"], generation: false),
        Make("rbac.authorization.k8s.io", "v1", "roles", "Role", generation: false),
        Make("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", generation: false),
        Make("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", cluster: true, generation: false),
        Make("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", cluster: true, generation: false),
        Make("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", cluster: true, status: true, shortNames: ["crd", "crds"]),
    ];

    public static readonly GroupResource Namespaces = new("", "namespaces");
    public static readonly GroupResource Pods = new("", "pods");
    public static readonly GroupResource Services = new("", "services");
    public static readonly GroupResource Secrets = new("", "secrets");
    public static readonly GroupResource ConfigMaps = new("", "configmaps");
    public static readonly GroupResource PersistentVolumeClaims = new("", "persistentvolumeclaims");
    public static readonly GroupResource StatefulSets = new("apps", "statefulsets");
    public static readonly GroupResource Roles = new("rbac.authorization.k8s.io", "roles");
    public static readonly GroupResource RoleBindings = new("rbac.authorization.k8s.io", "rolebindings");
    public static readonly GroupResource ClusterRoles = new("rbac.authorization.k8s.io", "clusterroles");
    public static readonly GroupResource ClusterRoleBindings = new("rbac.authorization.k8s.io", "clusterrolebindings");
    public static readonly GroupResource CustomResourceDefinitions = new("apiextensions.k8s.io", "customresourcedefinitions");

    private static ResourceType Make(
        string group,
        string version,
        string plural,
        string kind,
        bool cluster = false,
        bool status = false,
        bool scale = false,
        string[]? shortNames = null,
        string[]? categories = null,
        bool generation = true) =>
        new(group, version, plural, kind.ToLowerInvariant(), kind, !cluster, shortNames ?? [], categories ?? [],
            status, scale, ValidationSource.Upstream, BuiltInColumns.For(plural))
        {
            TracksGeneration = generation,
        };
}
