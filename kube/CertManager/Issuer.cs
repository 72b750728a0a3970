using k8s;
using k8s.Models;

namespace SecretFleet.Kube.CertManager;

/// <summary>cert-manager's namespaced <c>cert-manager.io/v1</c> Issuer, typed as far as SecretFleet writes and reads it.</summary>
[KubernetesEntity(Group = Certificate.Group, ApiVersion = "v1", Kind = "Issuer", PluralName = "issuers")]
public sealed record Issuer : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = Certificate.GroupVersion;

    public string Kind { get; set; } = "Issuer";

    public V1ObjectMeta Metadata { get; set; } = new();

    public IssuerSpec? Spec { get; init; }
}

/// <summary>Which kind of issuer it is: one member is set. SecretFleet makes self-signed ones and reads CA ones.</summary>
public sealed record IssuerSpec
{
    /// <summary>Signs each certificate with its own key (the fleet's CA is made so).</summary>
    public SelfSignedIssuer? SelfSigned { get; init; }

    /// <summary>Signs with the CA in a Secret.</summary>
    public CaIssuer? Ca { get; init; }
}

/// <summary>Has no settings SecretFleet uses; present means self-signed (written as <c>{}</c>).</summary>
public sealed record SelfSignedIssuer;

public sealed record CaIssuer
{
    public string? SecretName { get; init; }
}
