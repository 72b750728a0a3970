using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace SecretFleet.Kube.Config;

/// <summary>
/// Finds and resolves the client configuration the way kubectl and controller-runtime do:
/// --kubeconfig, else KUBECONFIG (several files, merged), else in-cluster, else ~/.kube/config.
/// </summary>
public static class KubeConfigLoader
{
    public const string NoKubeconfigMessage = "no kubeconfig found (set KUBECONFIG or use --kubeconfig)";

    public static KubeClientConfig Load(KubeConfigOptions? options = null, KubeEnvironment? environment = null)
    {
        options ??= new KubeConfigOptions();
        var env = environment ?? KubeEnvironment.Process;
        if (!string.IsNullOrEmpty(options.KubeconfigPath))
        {
            if (!File.Exists(options.KubeconfigPath))
            {
                throw new KubeConfigException($"kubeconfig {options.KubeconfigPath} (from --kubeconfig) does not exist.");
            }

            return FromKubeconfig([options.KubeconfigPath], options, env);
        }

        var list = env.GetVariable("KUBECONFIG");
        if (!string.IsNullOrWhiteSpace(list))
        {
            // As kubectl: missing files in the list are skipped; only an all-missing list is an error.
            var files = list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(File.Exists)
                .ToList();
            return files.Count > 0
                ? FromKubeconfig(files, options, env)
                : throw new KubeConfigException($"{NoKubeconfigMessage}: none of the files in KUBECONFIG ({list}) exists.");
        }

        if (InClusterConfig.IsAvailable(env))
        {
            var config = InClusterConfig.Load(env);
            return options.Namespace is null ? config : config with { Namespace = options.Namespace };
        }

        var home = Path.Combine(env.HomeDirectory, ".kube", "config");
        return File.Exists(home) ? FromKubeconfig([home], options, env) : throw new KubeConfigException(NoKubeconfigMessage);
    }

    /// <summary>Merges the files in order (the first to define a name or current-context wins) and resolves one context.</summary>
    public static KubeClientConfig FromKubeconfig(IReadOnlyList<string> files, KubeConfigOptions? options = null, KubeEnvironment? environment = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        options ??= new KubeConfigOptions();
        var env = environment ?? KubeEnvironment.Process;
        var merged = Merge(files);
        var contextName = options.Context ?? merged.CurrentContext;
        if (string.IsNullOrEmpty(contextName))
        {
            throw new KubeConfigException($"kubeconfig {string.Join(", ", files)} sets no current-context; use --context (known: {Known(merged.Contexts)}).");
        }

        if (!merged.Contexts.TryGetValue(contextName, out var context))
        {
            throw new KubeConfigException($"context \"{contextName}\" not in kubeconfig {string.Join(", ", files)} (known: {Known(merged.Contexts)}).");
        }

        if (context.Value.Cluster is null || !merged.Clusters.TryGetValue(context.Value.Cluster, out var cluster))
        {
            throw new KubeConfigException($"context \"{contextName}\" refers to cluster \"{context.Value.Cluster}\", which is not in kubeconfig (known: {Known(merged.Clusters)}).");
        }

        (UserEntry Value, string Directory)? user = null;
        if (context.Value.User is not null)
        {
            if (!merged.Users.TryGetValue(context.Value.User, out var found))
            {
                throw new KubeConfigException($"context \"{contextName}\" refers to user \"{context.Value.User}\", which is not in kubeconfig (known: {Known(merged.Users)}).");
            }

            user = found;
        }

        var clusterName = context.Value.Cluster;
        if (!Uri.TryCreate(cluster.Value.Server, UriKind.Absolute, out var server))
        {
            throw new KubeConfigException($"cluster \"{clusterName}\" has no valid server URL (got \"{cluster.Value.Server}\").");
        }

        return new KubeClientConfig
        {
            Server = server,
            ContextName = contextName,
            Namespace = options.Namespace ?? (string.IsNullOrEmpty(context.Value.Namespace) ? "default" : context.Value.Namespace),
            InsecureSkipTlsVerify = cluster.Value.InsecureSkipTlsVerify,
            TlsServerName = cluster.Value.TlsServerName,
            CertificateAuthorities = LoadAuthorities(cluster.Value, cluster.Directory, clusterName),
            ClientCertificate = user is { } u ? LoadClientCertificate(u.Value, u.Directory, context.Value.User!) : null,
            Credentials = user is { } c ? CredentialsOf(c.Value, c.Directory, env) : null,
        };
    }

    private static MergedKubeconfig Merge(IReadOnlyList<string> files)
    {
        var merged = new MergedKubeconfig();
        var deserializer = new DeserializerBuilder().IgnoreUnmatchedProperties().Build();
        foreach (var file in files)
        {
            KubeConfigFile? parsed;
            try
            {
                parsed = deserializer.Deserialize<KubeConfigFile?>(File.ReadAllText(file));
            }
            catch (YamlException e)
            {
                throw new KubeConfigException($"kubeconfig {file} is not valid YAML at line {e.Start.Line}: {e.InnerException?.Message ?? e.Message}", e);
            }
            catch (IOException e)
            {
                throw new KubeConfigException($"cannot read kubeconfig {file}: {e.Message}", e);
            }

            if (parsed is null)
            {
                continue;
            }

            var directory = Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".";
            merged.CurrentContext ??= string.IsNullOrEmpty(parsed.CurrentContext) ? null : parsed.CurrentContext;
            Add(merged.Clusters, parsed.Clusters, directory);
            Add(merged.Contexts, parsed.Contexts, directory);
            Add(merged.Users, parsed.Users, directory);
        }

        return merged;
    }

    private static void Add<T>(Dictionary<string, (T Value, string Directory)> into, List<NamedEntry<T>>? entries, string directory)
        where T : class
    {
        foreach (var entry in entries ?? [])
        {
            if (entry.Name is not null && entry.Value is not null)
            {
                into.TryAdd(entry.Name, (entry.Value, directory));
            }
        }
    }

    private static X509Certificate2Collection? LoadAuthorities(ClusterEntry cluster, string directory, string name)
    {
        var pem = Material(cluster.CertificateAuthorityData, cluster.CertificateAuthority, directory, $"cluster \"{name}\" certificate-authority");
        if (pem is null)
        {
            return null;
        }

        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPem(pem);
        }
        catch (CryptographicException e)
        {
            throw new KubeConfigException($"cluster \"{name}\" certificate-authority is not a PEM certificate: {e.Message}", e);
        }

        return authorities.Count > 0
            ? authorities
            : throw new KubeConfigException($"cluster \"{name}\" certificate-authority holds no PEM certificate.");
    }

    private static X509Certificate2? LoadClientCertificate(UserEntry user, string directory, string name)
    {
        var cert = Material(user.ClientCertificateData, user.ClientCertificate, directory, $"user \"{name}\" client-certificate");
        var key = Material(user.ClientKeyData, user.ClientKey, directory, $"user \"{name}\" client-key");
        if (cert is null && key is null)
        {
            return null;
        }

        if (cert is null || key is null)
        {
            throw new KubeConfigException($"user \"{name}\" has a client {(cert is null ? "key" : "certificate")} but no client {(cert is null ? "certificate" : "key")}; set both.");
        }

        try
        {
            return X509Certificate2.CreateFromPem(cert, key);
        }
        catch (CryptographicException e)
        {
            throw new KubeConfigException($"user \"{name}\" client certificate or key is not valid PEM, or they do not match: {e.Message}", e);
        }
    }

    private static IKubeCredentials? CredentialsOf(UserEntry user, string directory, KubeEnvironment env)
    {
        if (!string.IsNullOrEmpty(user.Token))
        {
            return StaticCredentials.Bearer(user.Token);
        }

        if (!string.IsNullOrEmpty(user.TokenFile))
        {
            return new TokenFileCredentials(Resolve(user.TokenFile, directory), env.TimeProvider);
        }

        if (user.Exec?.Command is not null)
        {
            return new ExecCredentials(user.Exec, directory, env.TimeProvider);
        }

        if (user.Username is not null && user.Password is not null)
        {
            return StaticCredentials.Basic(user.Username, user.Password);
        }

        return user.AuthProvider is not null
            ? throw new KubeConfigException("auth-provider entries are not supported (removed from kubectl too); use an exec plugin.")
            : null;
    }

    /// <summary>The PEM text of inline base64 data or a file (relative to the kubeconfig that named it).</summary>
    private static string? Material(string? data, string? file, string directory, string what)
    {
        if (!string.IsNullOrEmpty(data))
        {
            try
            {
                return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(data));
            }
            catch (FormatException e)
            {
                throw new KubeConfigException($"{what}-data is not valid base64.", e);
            }
        }

        if (string.IsNullOrEmpty(file))
        {
            return null;
        }

        var path = Resolve(file, directory);
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KubeConfigException($"{what} file {path} cannot be read: {e.Message}", e);
        }
    }

    private static string Resolve(string path, string directory)
    {
        return Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(directory, path));
    }

    private static string Known<T>(Dictionary<string, (T, string)> entries) =>
        entries.Count == 0 ? "none" : string.Join(", ", entries.Keys.Order(StringComparer.Ordinal));

    private sealed class MergedKubeconfig
    {
        public string? CurrentContext { get; set; }

        public Dictionary<string, (ClusterEntry Value, string Directory)> Clusters { get; } = [];

        public Dictionary<string, (ContextEntry Value, string Directory)> Contexts { get; } = [];

        public Dictionary<string, (UserEntry Value, string Directory)> Users { get; } = [];
    }
}
