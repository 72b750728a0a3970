using System.Text.Json.Nodes;
using SecretFleet.Core.Identity;
using SecretFleet.Kube;
using SecretFleet.Kube.Models;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Operator.Specs;

/// <summary>
/// cert-manager Certificates of a fleet. Every identity is a SPIFFE URI SAN (<c>spiffe://TD/role/name</c>);
/// nodes also carry the wildcard DNS names of the headless Service, which peers and clients verify.
/// </summary>
internal static class CertificateSpecs
{
    /// <summary>Ten years: renewing the CA would strand every leaf until it is reissued.</summary>
    public const string CaDuration = "87600h";

    /// <summary>90 days, renewed by cert-manager at two thirds of their life.</summary>
    public const string LeafDuration = "2160h";

    /// <summary>The Certificates the fleet needs, in the order they are applied.</summary>
    public static IReadOnlyList<KubeObject> All(SecretCluster cluster) =>
        cluster.Spec.IssuerRef is null
            ? [CertificateAuthority(cluster), Node(cluster), Operator(cluster), Client(cluster)]
            : [Node(cluster), Operator(cluster), Client(cluster)];

    public static KubeObject CertificateAuthority(SecretCluster cluster)
    {
        var names = ChildNames.Of(cluster);
        return Certificate(cluster, names.CertificateAuthority, new JsonObject
        {
            ["isCA"] = true,
            ["commonName"] = names.CertificateAuthority,
            ["subject"] = new JsonObject { ["organizations"] = new JsonArray(LabelsAndAnnotations.AppName) },
            ["secretName"] = names.CertificateAuthority,
            ["duration"] = CaDuration,
            ["privateKey"] = PrivateKey(),
            ["usages"] = new JsonArray("digital signature", "cert sign", "crl sign"),
            ["issuerRef"] = new JsonObject { ["name"] = names.SelfSignedIssuer, ["kind"] = "Issuer", ["group"] = "cert-manager.io" },
            ["secretTemplate"] = SecretTemplate(names),
        });
    }

    public static KubeObject Node(SecretCluster cluster)
    {
        var names = ChildNames.Of(cluster);
        return Certificate(cluster, names.NodeCertificate, new JsonObject
        {
            ["secretName"] = names.NodeTlsSecret,
            ["duration"] = LeafDuration,
            ["dnsNames"] = new JsonArray($"*.{names.Service}.{names.Namespace}.svc", $"*.{names.Service}.{names.Namespace}.svc.cluster.local"),
            ["uris"] = new JsonArray(Spiffe(cluster, "node", names.Cluster)),
            ["privateKey"] = PrivateKey(),
            // Peers dial each other during refreshes, so a node is a TLS client as well as a server.
            ["usages"] = new JsonArray("digital signature", "server auth", "client auth"),
            ["issuerRef"] = IssuerRef(cluster),
            ["secretTemplate"] = SecretTemplate(names),
        });
    }

    /// <summary>The identity node <paramref name="ordinal"/>'s certificate carries (today one Certificate serves every node).</summary>
    public static FleetIdentity NodeIdentity(SecretCluster cluster, int ordinal) => new(cluster.Spec.TrustDomain, FleetRole.Node, ChildNames.Of(cluster).Cluster);

    public static KubeObject Operator(SecretCluster cluster)
    {
        var names = ChildNames.Of(cluster);
        return Client(cluster, names.OperatorCertificate, names.OperatorTlsSecret, Spiffe(cluster, "operator", LabelsAndAnnotations.ManagedByOperator));
    }

    public static KubeObject Client(SecretCluster cluster)
    {
        var names = ChildNames.Of(cluster);
        return Client(cluster, names.ClientCertificate, names.ClientTlsSecret, Spiffe(cluster, "client", "default"));
    }

    private static KubeObject Client(SecretCluster cluster, string name, string secretName, string uri) =>
        Certificate(cluster, name, new JsonObject
        {
            ["secretName"] = secretName,
            ["duration"] = LeafDuration,
            ["uris"] = new JsonArray(uri),
            ["privateKey"] = PrivateKey(),
            ["usages"] = new JsonArray("digital signature", "client auth"),
            ["issuerRef"] = IssuerRef(cluster),
            ["secretTemplate"] = SecretTemplate(ChildNames.Of(cluster)),
        });

    private static KubeObject Certificate(SecretCluster cluster, string name, JsonObject spec) =>
        new("cert-manager.io/v1", "Certificate", ChildMetadata.For(cluster, name, LabelsAndAnnotations.Components.Certificates), new JsonObject { ["spec"] = spec });

    private static JsonObject IssuerRef(SecretCluster cluster)
    {
        if (cluster.Spec.IssuerRef is { } issuer)
        {
            return new JsonObject
            {
                ["name"] = issuer.Name,
                ["kind"] = issuer.Kind.ToString(),
                ["group"] = issuer.Group,
            };
        }

        return new JsonObject { ["name"] = ChildNames.Of(cluster).CertificateAuthority, ["kind"] = "Issuer", ["group"] = "cert-manager.io" };
    }

    /// <summary>ECDSA P-256, a fresh key at every renewal.</summary>
    private static JsonObject PrivateKey() => new()
    {
        ["algorithm"] = "ECDSA",
        ["size"] = 256,
        ["encoding"] = "PKCS8",
        ["rotationPolicy"] = "Always",
    };

    /// <summary>cert-manager copies these labels onto the Secret, so the operator's Secret watch maps it back.</summary>
    private static JsonObject SecretTemplate(ChildNames names) => new()
    {
        ["labels"] = ChildMetadata.ToJson(ChildMetadata.Labels(names.Cluster, LabelsAndAnnotations.Components.Certificates)),
    };

    private static string Spiffe(SecretCluster cluster, string role, string name) => $"spiffe://{cluster.Spec.TrustDomain}/{role}/{name}";
}
