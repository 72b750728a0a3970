namespace SecretFleet.Kube;

/// <summary>Every label, annotation, finalizer and field-manager name SecretFleet uses. No literals elsewhere.</summary>
public static class LabelsAndAnnotations
{
    public const string Name = "app.kubernetes.io/name";

    public const string Instance = "app.kubernetes.io/instance";

    public const string Component = "app.kubernetes.io/component";

    public const string ManagedBy = "app.kubernetes.io/managed-by";

    public const string PartOf = "app.kubernetes.io/part-of";

    /// <summary>The SecretCluster a child belongs to (label, for selectors).</summary>
    public const string Cluster = "secretfleet.io/cluster";

    /// <summary>A node's ordinal, i.e. its share index minus one (label on its pod, Certificate, key Secret and PVC).</summary>
    public const string Ordinal = "secretfleet.io/ordinal";

    /// <summary>
    /// Label on a node pod: a hash of the pod as the operator built it. A pod whose value differs from the
    /// current build is stale; the operator replaces it when no epoch runs.
    /// </summary>
    public const string TemplateHash = "secretfleet.io/template-hash";

    /// <summary>
    /// Annotation on the headless node Service: the threshold the fleet's shares were dealt with. Fixed once the
    /// fleet holds shares; the operator refuses a spec that changes it or scales below it. (Fleets from before
    /// per-node identities carry it on their StatefulSet.)
    /// </summary>
    public const string FleetThreshold = "secretfleet.io/threshold";

    /// <summary>
    /// Annotation on the headless node Service: the number of nodes the operator runs now. It lags
    /// <c>spec.replicas</c> while a change waits for an open operation.
    /// </summary>
    public const string FleetReplicas = "secretfleet.io/replicas";

    /// <summary>
    /// Label on a pod: the name of the SecretCluster (in the pod's own namespace) whose nodes it may call on the gRPC
    /// port. The fleet's NetworkPolicy admits pods carrying it, with the value of that fleet's name.
    /// </summary>
    public const string ClientOf = "secretfleet.io/client-of";

    /// <summary>
    /// Annotation on the headless node Service: the node image the operator last gave the pods (an allowed one). A
    /// spec.image the operator does not allow leaves the pods on it.
    /// </summary>
    public const string NodeImage = "secretfleet.io/node-image";

    /// <summary>
    /// Annotation on an identity Secret the operator signs: the SPIFFE id its certificate carries, so that who holds
    /// which identity reads from the metadata (and from <c>secretfleet-operator render</c>) without decoding it.
    /// </summary>
    public const string Identity = "secretfleet.io/identity";

    /// <summary>The label the API server sets on every Namespace: its name (what a NetworkPolicy selects namespaces by).</summary>
    public const string NamespaceName = "kubernetes.io/metadata.name";

    /// <summary>Annotation on a SecretCluster: an RFC 3339 time; a value newer than the last refresh asks for one now.</summary>
    public const string RefreshRequestedAt = "secretfleet.io/refresh-requested-at";

    /// <summary>The finalizer that performs spec.deletionPolicy before a SecretCluster goes away.</summary>
    public const string CleanupFinalizer = "secretfleet.io/cleanup";

    /// <summary>The server-side apply field manager of everything the operator writes.</summary>
    public const string FieldManager = "secretfleet-operator";

    /// <summary>The field manager of the kubectl plugin's writes (annotations).</summary>
    public const string CliFieldManager = "kubectl-secrets";

    /// <summary>Value of <see cref="Name"/> on every SecretFleet object.</summary>
    public const string AppName = "secretfleet";

    /// <summary>Value of <see cref="ManagedBy"/> on children of a SecretCluster.</summary>
    public const string ManagedByOperator = "secretfleet-operator";

    /// <summary>Values of <see cref="Component"/>.</summary>
    public static class Components
    {
        public const string Node = "node";

        public const string Operator = "operator";

        public const string Certificates = "certificates";
    }
}
