using SecretFleet.Kube;
using SecretFleet.Kube.CertManager;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Operator.Specs;

/// <summary>
/// cert-manager Certificates of a fleet: its CA, and with <c>spec.issuerRef</c> its identities. Every identity is a SPIFFE URI SAN (<c>spiffe://TD/role/name</c>).
/// Each node has a Certificate of its own naming only that node (its pod name as the identity, its pod's DNS
/// names), so no node can pose as another; its Secret is mounted by that node's pod alone.
/// </summary>
internal static class CertificateSpecs
{
    /// <summary>Ten years: renewing the CA would strand every leaf until it is reissued.</summary>
    public const string CaDuration = "87600h";

    /// <summary>A day: a stolen leaf key is good for hours, not months. Nodes serve a renewed certificate without a restart.</summary>
    public const string LeafDuration = "24h";

    /// <summary>Renewed at two thirds of their life, eight hours before they expire.</summary>
    public const string LeafRenewBefore = "8h";

    /// <summary>
    /// The Certificates a fleet of <paramref name="replicas"/> nodes needs, in the order they are applied: its CA alone
    /// (the operator signs the rest with it), or with <c>spec.issuerRef</c> every identity, signed by that issuer.
    /// </summary>
    public static IReadOnlyList<Certificate> All(SecretCluster cluster, int replicas)
    {
        if (cluster.Spec.IssuerRef is null)
        {
            return [CertificateAuthority(cluster)];
        }

        var all = new List<Certificate>();
        all.AddRange(Enumerable.Range(0, replicas).Select(ordinal => Node(cluster, ordinal)));
        all.Add(Operator(cluster));
        all.Add(Client(cluster));
        all.AddRange(NamedClients(cluster).Select(client => Client(cluster, client)));
        return all;
    }

    public static Certificate CertificateAuthority(SecretCluster cluster)
    {
        var names = ChildNames.Of(cluster);
        return Build(cluster, names.CertificateAuthority, new CertificateSpec
        {
            IsCA = true,
            CommonName = names.CertificateAuthority,
            Subject = new CertificateSubject { Organizations = [LabelsAndAnnotations.AppName] },
            SecretName = names.CertificateAuthority,
            Duration = CaDuration,
            PrivateKey = PrivateKey(),
            Usages = ["digital signature", "cert sign", "crl sign"],
            IssuerRef = new IssuerReference { Name = names.SelfSignedIssuer, Kind = "Issuer", Group = Certificate.Group },
            SecretTemplate = SecretTemplate(names),
        });
    }

    /// <summary>Node <paramref name="ordinal"/>'s Certificate <c>NAME-node-i</c> → Secret <c>NAME-node-i-tls</c>.</summary>
    public static Certificate Node(SecretCluster cluster, int ordinal)
    {
        var names = ChildNames.Of(cluster);
        var labels = ChildMetadata.NodeLabels(names.Cluster, LabelsAndAnnotations.Components.Certificates, ordinal);
        return new Certificate
        {
            Metadata = ChildMetadata.For(cluster, names.NodeCertificate(ordinal), labels),
            Spec = new CertificateSpec
            {
                SecretName = names.NodeTlsSecret(ordinal),
                Duration = LeafDuration,
                RenewBefore = LeafRenewBefore,
                DnsNames = [.. names.PodDnsNames(ordinal)],
                Uris = [ChildNames.NodeIdentity(cluster, ordinal).ToString()],
                PrivateKey = PrivateKey(),
                // Peers dial each other during refreshes, so a node is a TLS client as well as a server.
                Usages = ["digital signature", "server auth", "client auth"],
                IssuerRef = IssuerRef(cluster),
                SecretTemplate = new CertificateSecretTemplate { Labels = ChildMetadata.NodeLabels(names.Cluster, LabelsAndAnnotations.Components.Certificates, ordinal) },
            },
        };
    }

    public static Certificate Operator(SecretCluster cluster)
    {
        var names = ChildNames.Of(cluster);
        return Client(cluster, names.OperatorCertificate, names.OperatorTlsSecret, Spiffe(cluster, "operator", LabelsAndAnnotations.ManagedByOperator));
    }

    public static Certificate Client(SecretCluster cluster)
    {
        var names = ChildNames.Of(cluster);
        return Client(cluster, names.ClientCertificate, names.ClientTlsSecret, Spiffe(cluster, "client", ChildNames.DefaultClient));
    }

    /// <summary>A client of <c>spec.clients</c>: Certificate <c>NAME-client-CLIENT</c> → Secret <c>NAME-client-CLIENT-tls</c>.</summary>
    public static Certificate Client(SecretCluster cluster, string client)
    {
        var names = ChildNames.Of(cluster);
        return Client(cluster, names.NamedClientCertificate(client), names.ClientTlsSecretOf(client), Spiffe(cluster, "client", client));
    }

    /// <summary>The distinct client names of <c>spec.clients</c>, in order (the API server already refuses duplicates).</summary>
    public static IReadOnlyList<string> NamedClients(SecretCluster cluster) =>
        [.. (cluster.Spec.Clients ?? []).Select(c => c.Name).Where(n => n != ChildNames.DefaultClient).Distinct(StringComparer.Ordinal)];

    private static Certificate Client(SecretCluster cluster, string name, string secretName, string uri) =>
        Build(cluster, name, new CertificateSpec
        {
            SecretName = secretName,
            Duration = LeafDuration,
            RenewBefore = LeafRenewBefore,
            Uris = [uri],
            PrivateKey = PrivateKey(),
            Usages = ["digital signature", "client auth"],
            IssuerRef = IssuerRef(cluster),
            SecretTemplate = SecretTemplate(ChildNames.Of(cluster)),
        });

    private static Certificate Build(SecretCluster cluster, string name, CertificateSpec spec) =>
        new() { Metadata = ChildMetadata.For(cluster, name, LabelsAndAnnotations.Components.Certificates), Spec = spec };

    private static IssuerReference IssuerRef(SecretCluster cluster)
    {
        if (cluster.Spec.IssuerRef is { } issuer)
        {
            return new IssuerReference { Name = issuer.Name, Kind = issuer.Kind.ToString(), Group = issuer.Group };
        }

        throw new InvalidOperationException($"SecretCluster {cluster.Metadata.Name} names no issuerRef: the operator signs its identities, there is no Certificate for them.");
    }

    /// <summary>ECDSA P-256, a fresh key at every renewal.</summary>
    private static CertificatePrivateKey PrivateKey() => new()
    {
        Algorithm = "ECDSA",
        Size = 256,
        Encoding = "PKCS8",
        RotationPolicy = "Always",
    };

    /// <summary>cert-manager copies these labels onto the Secret, so the operator's Secret watch maps it back.</summary>
    private static CertificateSecretTemplate SecretTemplate(ChildNames names) => new()
    {
        Labels = ChildMetadata.Labels(names.Cluster, LabelsAndAnnotations.Components.Certificates),
    };

    private static string Spiffe(SecretCluster cluster, string role, string name) => $"spiffe://{ChildNames.TrustDomainOf(cluster)}/{role}/{name}";
}
