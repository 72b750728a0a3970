using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace SecretFleet.Kube.SecretClusters;

public sealed record IssuerRef
{
    [Description("Name of the Issuer or ClusterIssuer.")]
    [Required]
    [MinLength(1)]
    public string Name { get; init; } = "";

    [Description("Issuer (in the SecretCluster's namespace) or ClusterIssuer.")]
    [DefaultValue(IssuerKind.Issuer)]
    public IssuerKind Kind { get; init; } = IssuerKind.Issuer;

    [Description("API group of the issuer.")]
    [DefaultValue("cert-manager.io")]
    public string Group { get; init; } = "cert-manager.io";
}
