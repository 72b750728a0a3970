namespace SecretFleet.Kube.CertManager;

/// <summary>What cert-manager reports on a Certificate, as far as SecretFleet reads it.</summary>
public sealed record CertificateStatus
{
    public IList<CertificateCondition>? Conditions { get; init; }
}

/// <summary>cert-manager's condition: the fields of metav1.Condition, with reason and message optional.</summary>
public sealed record CertificateCondition
{
    /// <summary>Ready or Issuing.</summary>
    public string? Type { get; init; }

    /// <summary>"True", "False" or "Unknown".</summary>
    public string? Status { get; init; }

    public string? Reason { get; init; }

    public string? Message { get; init; }

    public long? ObservedGeneration { get; init; }
}
