using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// The emulated cert-manager: keeps every Issuer/ClusterIssuer's Ready condition, and for every Certificate signs a
/// key pair with its issuer into the Secret <c>spec.secretName</c> (type <c>kubernetes.io/tls</c>: tls.crt, tls.key,
/// ca.crt) and sets Ready. It re-issues when the spec, the issuer or the Secret changes. CertificateRequests,
/// ACME and renewal before expiry are not modelled.
/// </summary>
internal sealed class CertManagerController(ResourceService service, TimeProvider time) : IEmulatedController
{
    public const string Manager = "cert-manager-certificates-issuing";
    public const string SpecHashAnnotation = "emulator.secretfleet.io/certificate-hash";

    public string Name => "cert-manager";

    public bool Watches(GroupResource resource) =>
        resource.Group == CertManagerCrds.Group || resource == BuiltInResources.Secrets;

    public async Task ReconcileAsync(IReadOnlyList<WatchEvent> changes, CancellationToken cancellationToken)
    {
        foreach (var resource in new[] { CertManagerCrds.Issuers, CertManagerCrds.ClusterIssuers })
        {
            foreach (var issuer in service.Store.List(resource, null).Items.Where(i => !i.Deleting))
            {
                var (ready, reason, message, authority) = IssuerReadiness.Check(issuer.Parse(), service.Store);
                authority?.Dispose();
                await SetReadyAsync(resource, issuer, ready, reason, message, null, cancellationToken);
            }
        }

        foreach (var certificate in service.Store.List(CertManagerCrds.Certificates, null).Items.Where(c => !c.Deleting))
        {
            await ReconcileCertificateAsync(certificate, cancellationToken);
        }
    }

    private async Task ReconcileCertificateAsync(StoredObject stored, CancellationToken cancellationToken)
    {
        var certificate = stored.Parse();
        var spec = certificate["spec"] as JsonObject ?? [];
        var issuerName = Json.String(spec["issuerRef"]?["name"]) ?? "";
        var clusterIssuer = Json.String(spec["issuerRef"]?["kind"]) == "ClusterIssuer";
        var issuerResource = clusterIssuer ? CertManagerCrds.ClusterIssuers : CertManagerCrds.Issuers;
        var issuer = service.Store.Get(issuerResource, clusterIssuer ? null : stored.Namespace, issuerName)?.Parse();
        if (issuer is null)
        {
            await SetReadyAsync(CertManagerCrds.Certificates, stored, false, "IssuerNotFound", $"Referenced \"{(clusterIssuer ? "ClusterIssuer" : "Issuer")}\" not found: {issuerName}", null, cancellationToken);
            return;
        }

        var (ready, _, issuerMessage, authority) = IssuerReadiness.Check(issuer, service.Store);
        using var _ = authority;
        if (!ready)
        {
            await SetReadyAsync(CertManagerCrds.Certificates, stored, false, "IssuerNotReady", $"Issuer {issuerName} is not ready: {issuerMessage}", null, cancellationToken);
            return;
        }

        var wanted = CertificateSpec.From(spec);
        var hash = Hash(spec, issuer, authority);
        var secret = service.Store.Get(BuiltInResources.Secrets, stored.Namespace, wanted.SecretName)?.Parse();
        if (secret is not null && ObjectMeta.Annotations(secret).GetValueOrDefault(SpecHashAnnotation) == hash
            && IssuerReadiness.Data(secret, "tls.crt") is not null && IssuerReadiness.Data(secret, "tls.key") is not null)
        {
            await SetReadyAsync(CertManagerCrds.Certificates, stored, true, "Ready", "Certificate is up to date and has not expired", null, cancellationToken);
            return;
        }

        IssuedCertificate? issued;
        string? error;
        try
        {
            (issued, error) = CertificateSigner.Issue(wanted, authority, time.GetUtcNow());
        }
        catch (Exception e) when (e is FormatException or UriFormatException or CryptographicException or ArgumentException)
        {
            (issued, error) = (null, e.Message);
        }

        if (issued is null)
        {
            await SetReadyAsync(CertManagerCrds.Certificates, stored, false, "Failed", $"The certificate could not be issued: {error}", null, cancellationToken);
            return;
        }

        await WriteSecretAsync(certificate, wanted, issuer, issued, hash, secret is not null, cancellationToken);
        await SetReadyAsync(CertManagerCrds.Certificates, stored, true, "Ready", "Certificate is up to date and has not expired", issued, cancellationToken);
    }

    private async Task WriteSecretAsync(JsonObject certificate, CertificateSpec spec, JsonObject issuer, IssuedCertificate issued, string hash, bool exists, CancellationToken cancellationToken)
    {
        var ns = ObjectMeta.Namespace(certificate);
        var annotations = new JsonObject
        {
            ["cert-manager.io/certificate-name"] = ObjectMeta.Name(certificate),
            ["cert-manager.io/issuer-name"] = ObjectMeta.Name(issuer),
            ["cert-manager.io/issuer-kind"] = Json.String(issuer["kind"]),
            ["cert-manager.io/issuer-group"] = CertManagerCrds.Group,
            ["cert-manager.io/common-name"] = spec.CommonName ?? "",
            ["cert-manager.io/alt-names"] = string.Join(",", spec.DnsNames),
            ["cert-manager.io/ip-sans"] = string.Join(",", spec.IpAddresses),
            ["cert-manager.io/uri-sans"] = string.Join(",", spec.Uris),
            [SpecHashAnnotation] = hash,
        };
        var labels = new JsonObject { ["controller.cert-manager.io/fao"] = "true" };
        foreach (var (key, value) in certificate["spec"]?["secretTemplate"]?["annotations"] as JsonObject ?? [])
        {
            annotations[key] = value?.DeepClone();
        }

        foreach (var (key, value) in certificate["spec"]?["secretTemplate"]?["labels"] as JsonObject ?? [])
        {
            labels[key] = value?.DeepClone();
        }

        static string B64(string pem) => Convert.ToBase64String(Encoding.UTF8.GetBytes(pem));
        var data = new JsonObject { ["tls.crt"] = B64(issued.CertificatePem), ["tls.key"] = B64(issued.KeyPem), ["ca.crt"] = B64(issued.CaPem) };
        var type = service.Registry.Find(BuiltInResources.Secrets)!;
        if (!exists)
        {
            var secret = new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Secret",
                ["metadata"] = new JsonObject { ["name"] = spec.SecretName, ["namespace"] = ns, ["labels"] = labels, ["annotations"] = annotations },
                ["type"] = "kubernetes.io/tls",
                ["data"] = data,
            };
            var created = await service.CreateAsync(type, ns, secret, new WriteOptions(Manager), cancellationToken);
            if (created.Error is not { Code: 409 })
            {
                _ = created.Value;
                return;
            }
        }

        _ = (await service.MutateAsync(type, ns, spec.SecretName, null, secret =>
        {
            var metadata = ObjectMeta.Metadata(secret);
            metadata["annotations"] = JsonMergePatch.Apply(metadata["annotations"]?.DeepClone(), annotations);
            metadata["labels"] = JsonMergePatch.Apply(metadata["labels"]?.DeepClone(), labels);
            secret["type"] = "kubernetes.io/tls";
            secret["data"] = JsonMergePatch.Apply(secret["data"]?.DeepClone(), data);
            return true;
        }, Manager, cancellationToken)).Value;
    }

    private async Task SetReadyAsync(GroupResource resource, StoredObject stored, bool ready, string reason, string message, IssuedCertificate? issued, CancellationToken cancellationToken)
    {
        var type = service.Registry.Find(resource);
        if (type is null)
        {
            return;
        }

        var result = await service.MutateAsync(type, stored.Namespace, stored.Name, "status", obj =>
        {
            if (ObjectMeta.Uid(obj) != stored.Uid)
            {
                return false;
            }

            var changed = Conditions.Set(obj, "Ready", ready, reason, message, service.Now);
            if (issued is not null && obj["status"] is JsonObject status)
            {
                static string Rfc3339(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
                status["notBefore"] = Rfc3339(issued.NotBefore);
                status["notAfter"] = Rfc3339(issued.NotAfter);
                status["renewalTime"] = Rfc3339(issued.NotAfter - (issued.NotAfter - issued.NotBefore) / 3);
                status["revision"] = (Json.TryInteger(status["revision"], out var revision) ? revision : 0) + 1;
                changed = true;
            }

            return changed;
        }, Manager, cancellationToken);
        if (result.Error is { Code: not 404 } error)
        {
            throw new InvalidOperationException($"The emulated cert-manager could not update {resource} {stored.Name}: {error.Message}");
        }
    }

    /// <summary>What the issued Secret must match: the Certificate's spec, the issuer object's uid and the signing CA.</summary>
    private static string Hash(JsonObject spec, JsonObject issuer, SigningAuthority? authority)
    {
        var text = spec.ToJsonString() + "|" + ObjectMeta.Uid(issuer) + "|" + (authority?.Certificate.Thumbprint ?? "self-signed");
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32].ToLowerInvariant();
    }
}
