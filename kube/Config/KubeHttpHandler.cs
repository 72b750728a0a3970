using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace SecretFleet.Kube.Config;

/// <summary>Builds the HTTP pipeline for a <see cref="KubeClientConfig"/>: TLS trust, client certificate, credentials.</summary>
public static class KubeHttpHandler
{
    public static HttpMessageHandler Create(KubeClientConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var ssl = new SslClientAuthenticationOptions();
        if (config.TlsServerName is not null)
        {
            ssl.TargetHost = config.TlsServerName;
        }

        if (config.ClientCertificate is not null)
        {
            ssl.ClientCertificates = [config.ClientCertificate];
        }

        if (config.InsecureSkipTlsVerify)
        {
#pragma warning disable CA5359 // The user asked for it in the kubeconfig (insecure-skip-tls-verify), as with kubectl.
            ssl.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
#pragma warning restore CA5359
        }
        else if (config.CertificateAuthorities is { Count: > 0 } authorities)
        {
            // Trust exactly the cluster's CA, not the system store; host names are still checked.
            var policy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            policy.CustomTrustStore.AddRange(authorities);
            ssl.CertificateChainPolicy = policy;
        }

        var sockets = new SocketsHttpHandler
        {
            SslOptions = ssl,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
        };
        return config.Credentials is null ? sockets : new CredentialsHandler(config.Credentials) { InnerHandler = sockets };
    }

    private sealed class CredentialsHandler(IKubeCredentials credentials) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Authorization = await credentials.GetAuthorizationAsync(cancellationToken).ConfigureAwait(false);
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
    }
}
