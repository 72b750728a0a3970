using System.Security.Cryptography.X509Certificates;

namespace SecretFleet.Kube.Config;

/// <summary>A resolved connection: server, TLS trust, client identity, credentials and default namespace.</summary>
public sealed record KubeClientConfig
{
    public required Uri Server { get; init; }

    /// <summary>The namespace commands default to (the context's, the pod's, or "default").</summary>
    public string Namespace { get; init; } = "default";

    /// <summary>The kubeconfig context used, or "in-cluster".</summary>
    public string? ContextName { get; init; }

    /// <summary>CAs that sign the server's certificate; null trusts the system store.</summary>
    public X509Certificate2Collection? CertificateAuthorities { get; init; }

    /// <summary>A client certificate with its private key (mTLS authentication).</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    public bool InsecureSkipTlsVerify { get; init; }

    /// <summary>The name to verify the server's certificate against instead of the server URL's host.</summary>
    public string? TlsServerName { get; init; }

    /// <summary>Bearer token, basic or exec-plugin credentials, asked for on every request.</summary>
    public IKubeCredentials? Credentials { get; init; }
}
