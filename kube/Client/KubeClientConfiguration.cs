using k8s;
using SecretFleet.Kube.Config;

namespace SecretFleet.Kube.Client;

/// <summary>
/// Where the client connects and as whom, loaded by the official client: --kubeconfig (with --context), else
/// KUBECONFIG (merged) or ~/.kube/config, else the pod's service account. Exec plugins, tokens and client
/// certificates are the library's business; ours is the choice of source, a user's tokenFile (which the library
/// does not read) and a clear error when none exists.
/// </summary>
public static class KubeClientConfiguration
{
    public const string NoKubeconfigMessage = "no kubeconfig found (set KUBECONFIG or use --kubeconfig)";

    public static KubernetesClientConfiguration Load(string? kubeconfigPath = null, string? context = null)
    {
        try
        {
            if (!string.IsNullOrEmpty(kubeconfigPath))
            {
                return File.Exists(kubeconfigPath)
                    ? FromFile(kubeconfigPath, context)
                    : throw new KubeConfigException($"kubeconfig {kubeconfigPath} (from --kubeconfig) does not exist.");
            }

            var list = Environment.GetEnvironmentVariable("KUBECONFIG");
            if (!string.IsNullOrWhiteSpace(list))
            {
                // As kubectl: missing files in the list are skipped; only an all-missing list is an error.
                var listed = list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                var files = listed.Where(File.Exists).ToArray();
                if (files.Length == 0)
                {
                    throw new KubeConfigException($"{NoKubeconfigMessage}: none of the files in KUBECONFIG ({list}) exists.");
                }

                // The library merges the whole list (only when every file exists) for the current context. Otherwise the
                // context (named, or the first current-context set) is read from the first file that defines it.
                if (context is null && files.Length == listed.Length)
                {
                    try
                    {
                        return KubernetesClientConfiguration.BuildDefaultConfig();
                    }
                    catch (k8s.Exceptions.KubeConfigException)
                    {
                        // The merge knows no tokenFile user; reading the context's own file below does.
                    }
                }

                var loaded = files.Select(f => KubernetesClientConfiguration.LoadKubeConfig(f)).ToArray();
                var chosen = context ?? loaded.Select(c => c.CurrentContext).FirstOrDefault(c => !string.IsNullOrEmpty(c));
                var defining = Array.FindIndex(loaded, c => c.Contexts?.Any(x => x.Name == chosen) == true);
                return FromFile(files[Math.Max(defining, 0)], chosen);
            }

            if (context is null && KubernetesClientConfiguration.IsInCluster())
            {
                return KubernetesClientConfiguration.InClusterConfig();
            }

            return File.Exists(KubernetesClientConfiguration.KubeConfigDefaultLocation)
                ? FromFile(KubernetesClientConfiguration.KubeConfigDefaultLocation, context)
                : throw new KubeConfigException(NoKubeconfigMessage);
        }
        catch (k8s.Exceptions.KubeConfigException e)
        {
            throw new KubeConfigException(e.Message.TrimEnd('.') + ".", e);
        }
    }

    private static KubernetesClientConfiguration FromFile(string path, string? context) => KubeconfigTokenFile.Build(path, context);

    /// <summary>The namespace the configuration names (kubeconfig context or service account), else "default".</summary>
    public static string NamespaceOf(KubernetesClientConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return string.IsNullOrEmpty(configuration.Namespace) ? "default" : configuration.Namespace;
    }
}
