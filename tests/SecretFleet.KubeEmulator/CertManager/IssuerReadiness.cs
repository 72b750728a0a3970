using System.Text;
using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// Whether an Issuer or ClusterIssuer can sign, and with what: SelfSigned always can; CA can when its Secret
/// (in the issuer's namespace, or <c>cert-manager</c> for a ClusterIssuer) holds a CA key pair; other kinds cannot here.
/// </summary>
internal static class IssuerReadiness
{
    /// <summary>The cluster resource namespace of cert-manager, where ClusterIssuers find their Secrets.</summary>
    public const string ClusterResourceNamespace = "cert-manager";

    public static (bool Ready, string Reason, string Message, SigningAuthority? Authority) Check(JsonObject issuer, ObjectStore store)
    {
        var spec = issuer["spec"] as JsonObject ?? [];
        if (spec["selfSigned"] is not null)
        {
            return (true, "IsReady", "", null);
        }

        if (Json.String(spec["ca"]?["secretName"]) is { } secretName)
        {
            var ns = ObjectMeta.Namespace(issuer) ?? ClusterResourceNamespace;
            var secret = store.Get(BuiltInResources.Secrets, ns, secretName)?.Parse();
            if (secret is null)
            {
                return (false, "ErrGetKeyPair", $"Error getting keypair for CA issuer: secrets \"{secretName}\" not found", null);
            }

            var (authority, error) = SigningAuthority.Load(Data(secret, "tls.crt"), Data(secret, "tls.key"), Data(secret, "ca.crt"));
            return authority is null
                ? (false, "ErrInvalidKeyPair", $"Error getting keypair for CA issuer: {error}", null)
                : (true, "KeyPairVerified", "Signing CA verified", authority);
        }

        return (false, "NotSupported", "The emulated cert-manager signs with selfSigned and ca issuers only", null);
    }

    public static string? Data(JsonObject secret, string key)
    {
        if (Json.String(secret["data"]?[key]) is not { } encoded)
        {
            return null;
        }

        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
