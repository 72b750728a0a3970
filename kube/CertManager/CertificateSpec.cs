namespace SecretFleet.Kube.CertManager;

/// <summary>The fields of a Certificate's spec that SecretFleet sets.</summary>
public sealed record CertificateSpec
{
    public bool? IsCA { get; init; }

    public string? CommonName { get; init; }

    public CertificateSubject? Subject { get; init; }

    /// <summary>The Secret cert-manager writes <c>tls.crt</c>, <c>tls.key</c> and <c>ca.crt</c> to.</summary>
    public string? SecretName { get; init; }

    /// <summary>A Go duration, e.g. <c>24h</c>.</summary>
    public string? Duration { get; init; }

    public string? RenewBefore { get; init; }

    public IList<string>? DnsNames { get; init; }

    public IList<string>? Uris { get; init; }

    public CertificatePrivateKey? PrivateKey { get; init; }

    /// <summary>Key usages as cert-manager spells them: <c>digital signature</c>, <c>server auth</c>, …</summary>
    public IList<string>? Usages { get; init; }

    public IssuerReference? IssuerRef { get; init; }

    /// <summary>Labels and annotations cert-manager copies onto the Secret.</summary>
    public CertificateSecretTemplate? SecretTemplate { get; init; }
}

public sealed record CertificateSubject
{
    public IList<string>? Organizations { get; init; }
}

public sealed record CertificatePrivateKey
{
    /// <summary>RSA, ECDSA or Ed25519.</summary>
    public string? Algorithm { get; init; }

    public int? Size { get; init; }

    /// <summary>PKCS1 or PKCS8.</summary>
    public string? Encoding { get; init; }

    /// <summary>Always (a fresh key at every renewal) or Never.</summary>
    public string? RotationPolicy { get; init; }
}

public sealed record CertificateSecretTemplate
{
    public IDictionary<string, string>? Labels { get; init; }

    public IDictionary<string, string>? Annotations { get; init; }
}

/// <summary>The issuer that signs a Certificate: an Issuer in its namespace, or a ClusterIssuer.</summary>
public sealed record IssuerReference
{
    public string? Name { get; init; }

    /// <summary>Issuer or ClusterIssuer.</summary>
    public string? Kind { get; init; }

    public string? Group { get; init; }
}
