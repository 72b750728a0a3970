using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using SecretFleet.Kube.Schema;

namespace SecretFleet.Kube.SecretClusters;

/// <summary>
/// A client identity of the fleet (<c>spiffe://TD/client/NAME</c>): the operator has a certificate issued into
/// Secret <c>CLUSTER-client-NAME-tls</c>, and whoever may read that Secret acts as the client. Secrets belong to
/// the identity that stored them.
/// </summary>
[CelValidation("self.name != 'default'", "'default' is the fleet's built-in client (Secret CLUSTER-client-tls); pick another name", FieldPath = ".name")]
public sealed record ClientSpec
{
    /// <summary>Client names are DNS labels: they become part of a Secret name and a label value.</summary>
    public const string NamePattern = "^[a-z0-9]([a-z0-9-]*[a-z0-9])?$";

    public const int MaxNameLength = 63;

    [Description("The client's name: lower-case letters, digits and '-', at most 63 characters. Its identity is spiffe://<trustDomain>/client/<name>.")]
    [Required]
    [RegularExpression(NamePattern)]
    [MinLength(1)]
    [MaxLength(MaxNameLength)]
    public string Name { get; init; } = "";
}
