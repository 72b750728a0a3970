using System.Text.Json.Serialization;

namespace SecretFleet.Kube.SecretClusters;

/// <summary>The kind of a cert-manager issuer.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<IssuerKind>))]
public enum IssuerKind
{
    Issuer,
    ClusterIssuer,
}
