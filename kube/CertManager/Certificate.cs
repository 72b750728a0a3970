using k8s;
using k8s.Models;

namespace SecretFleet.Kube.CertManager;

/// <summary>
/// cert-manager's <c>cert-manager.io/v1</c> Certificate, typed as far as SecretFleet writes and reads it. cert-manager
/// ships no C# models, so this is ours; fields it has and we do not use are left out (and dropped on read).
/// </summary>
[KubernetesEntity(Group = Group, ApiVersion = "v1", Kind = "Certificate", PluralName = "certificates")]
public sealed record Certificate : IKubernetesObject<V1ObjectMeta>
{
    public const string Group = "cert-manager.io";

    public const string GroupVersion = "cert-manager.io/v1";

    public string ApiVersion { get; set; } = GroupVersion;

    public string Kind { get; set; } = "Certificate";

    public V1ObjectMeta Metadata { get; set; } = new();

    public CertificateSpec? Spec { get; init; }

    public CertificateStatus? Status { get; init; }
}
