using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// cert-manager's four CRDs as a cluster with cert-manager installed has them. Their schemas here only keep
/// unknown fields: objects are checked against cert-manager's upstream JSON schemas instead (the annotation
/// <see cref="UpstreamValidationAnnotation"/> says so).
/// </summary>
internal static class CertManagerCrds
{
    public const string Group = "cert-manager.io";
    public const string UpstreamValidationAnnotation = "emulator.secretfleet.io/validation";

    public static readonly GroupResource Certificates = new(Group, "certificates");
    public static readonly GroupResource CertificateRequests = new(Group, "certificaterequests");
    public static readonly GroupResource Issuers = new(Group, "issuers");
    public static readonly GroupResource ClusterIssuers = new(Group, "clusterissuers");

    public static IEnumerable<JsonObject> All()
    {
        var ready = Column("Ready", ".status.conditions[?(@.type==\"Ready\")].status");
        var message = Column("Status", ".status.conditions[?(@.type==\"Ready\")].message", priority: 1);
        var age = Column("Age", ".metadata.creationTimestamp", type: "date");
        yield return Crd("certificates", "Certificate", "Namespaced", ["cert", "certs"],
            ready, Column("Secret", ".spec.secretName"), Column("Issuer", ".spec.issuerRef.name", priority: 1), message, age);
        yield return Crd("certificaterequests", "CertificateRequest", "Namespaced", ["cr", "crs"],
            ready, Column("Issuer", ".spec.issuerRef.name"), message, age);
        yield return Crd("issuers", "Issuer", "Namespaced", [], ready, message, age);
        yield return Crd("clusterissuers", "ClusterIssuer", "Cluster", [], ready, message, age);
    }

    private static JsonObject Crd(string plural, string kind, string scope, string[] shortNames, params JsonObject[] columns) => new()
    {
        ["apiVersion"] = "apiextensions.k8s.io/v1",
        ["kind"] = "CustomResourceDefinition",
        ["metadata"] = new JsonObject
        {
            ["name"] = $"{plural}.{Group}",
            ["labels"] = new JsonObject { ["app.kubernetes.io/name"] = "cert-manager" },
            ["annotations"] = new JsonObject { [UpstreamValidationAnnotation] = "upstream" },
        },
        ["spec"] = new JsonObject
        {
            ["group"] = Group,
            ["scope"] = scope,
            ["names"] = new JsonObject
            {
                ["plural"] = plural,
                ["singular"] = kind.ToLowerInvariant(),
                ["kind"] = kind,
                ["listKind"] = kind + "List",
                ["shortNames"] = new JsonArray([.. shortNames.Select(s => (JsonNode)s)]),
                ["categories"] = new JsonArray("cert-manager"),
            },
            ["versions"] = new JsonArray(new JsonObject
            {
                ["name"] = "v1",
                ["served"] = true,
                ["storage"] = true,
                ["subresources"] = new JsonObject { ["status"] = new JsonObject() },
                ["additionalPrinterColumns"] = new JsonArray([.. columns.Select(c => c.DeepClone())]),
                ["schema"] = new JsonObject
                {
                    ["openAPIV3Schema"] = new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true },
                },
            }),
        },
    };

    private static JsonObject Column(string name, string jsonPath, string type = "string", int priority = 0) => new()
    {
        ["name"] = name,
        ["type"] = type,
        ["jsonPath"] = jsonPath,
        ["priority"] = priority,
    };
}
