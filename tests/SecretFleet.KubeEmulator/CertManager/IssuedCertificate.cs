namespace SecretFleet.KubeEmulator;

/// <summary>What a signing produced, as the three PEM entries of a <c>kubernetes.io/tls</c> Secret and the validity window.</summary>
internal sealed record IssuedCertificate(string CertificatePem, string KeyPem, string CaPem, DateTimeOffset NotBefore, DateTimeOffset NotAfter);
