using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SecretFleet.Kube.Config;

/// <summary>
/// The configuration of a pod: KUBERNETES_SERVICE_HOST/PORT and the mounted service account (token, ca.crt,
/// namespace). The token is re-read as the kubelet rotates it.
/// </summary>
public static class InClusterConfig
{
    public static bool IsAvailable(KubeEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return !string.IsNullOrEmpty(environment.GetVariable("KUBERNETES_SERVICE_HOST"))
            && !string.IsNullOrEmpty(environment.GetVariable("KUBERNETES_SERVICE_PORT"))
            && File.Exists(Path.Combine(environment.ServiceAccountDirectory, "token"));
    }

    public static KubeClientConfig Load(KubeEnvironment? environment = null)
    {
        var env = environment ?? KubeEnvironment.Process;
        var host = env.GetVariable("KUBERNETES_SERVICE_HOST");
        var port = env.GetVariable("KUBERNETES_SERVICE_PORT");
        if (string.IsNullOrEmpty(host) || string.IsNullOrEmpty(port))
        {
            throw new KubeConfigException("in-cluster config: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set; this is not a pod (use a kubeconfig instead).");
        }

        var directory = env.ServiceAccountDirectory;
        var tokenPath = Path.Combine(directory, "token");
        if (!File.Exists(tokenPath))
        {
            throw new KubeConfigException($"in-cluster config: the service account token {tokenPath} does not exist (is automountServiceAccountToken off?).");
        }

        // An IPv6 service address needs brackets in a URL.
        var hostPart = host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]" : host;
        if (!Uri.TryCreate($"https://{hostPart}:{port}", UriKind.Absolute, out var server))
        {
            throw new KubeConfigException($"in-cluster config: KUBERNETES_SERVICE_HOST={host} and KUBERNETES_SERVICE_PORT={port} do not make a URL.");
        }

        var caPath = Path.Combine(directory, "ca.crt");
        X509Certificate2Collection? authorities = null;
        if (File.Exists(caPath))
        {
            authorities = [];
            try
            {
                authorities.ImportFromPemFile(caPath);
            }
            catch (CryptographicException e)
            {
                throw new KubeConfigException($"in-cluster config: {caPath} is not a PEM certificate: {e.Message}", e);
            }
        }

        var namespacePath = Path.Combine(directory, "namespace");
        var ns = File.Exists(namespacePath) ? File.ReadAllText(namespacePath).Trim() : "";
        return new KubeClientConfig
        {
            Server = server,
            ContextName = "in-cluster",
            Namespace = ns.Length > 0 ? ns : "default",
            CertificateAuthorities = authorities,
            Credentials = new TokenFileCredentials(tokenPath, env.TimeProvider),
        };
    }
}
