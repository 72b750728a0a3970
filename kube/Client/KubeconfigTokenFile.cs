using System.Net.Http.Headers;
using k8s;
using k8s.Authentication;
using k8s.KubeConfigModels;
using SecretFleet.Kube.Config;
using YamlDotNet.RepresentationModel;

namespace SecretFleet.Kube.Client;

/// <summary>
/// A kubeconfig user's <c>tokenFile</c>, which the official client neither reads nor accepts as a credential: the
/// bearer token comes from that file (a path relative to the kubeconfig that names it), read again once a minute, so
/// that a rotated token (a projected service-account token, a CI job's) is picked up as kubectl picks it up. As in
/// kubectl, any credential the user states itself (a token, a client certificate, an exec plugin) wins.
/// </summary>
internal static class KubeconfigTokenFile
{
    /// <summary>
    /// The client configuration of <paramref name="context"/> (null: the current one) from the kubeconfig
    /// <paramref name="file"/>, with the token of its user's tokenFile if it has one.
    /// </summary>
    public static KubernetesClientConfiguration Build(string file, string? context)
    {
        var kubeconfig = KubernetesClientConfiguration.LoadKubeConfig(file, true);
        var provider = Fill(kubeconfig, file, context ?? kubeconfig.CurrentContext);
        var configuration = KubernetesClientConfiguration.BuildConfigFromConfigObject(kubeconfig, context);
        if (provider is not null)
        {
            configuration.AccessToken = null;
            configuration.TokenProvider = provider;
        }

        return configuration;
    }

    /// <summary>Puts the file's token into a user that has no credential but a tokenFile (so the library accepts it), and returns what re-reads it.</summary>
    private static TokenFileProvider? Fill(K8SConfiguration kubeconfig, string file, string? context)
    {
        var userName = kubeconfig.Contexts?.FirstOrDefault(c => c.Name == context)?.ContextDetails?.User;
        var user = kubeconfig.Users?.FirstOrDefault(u => u.Name == userName);
        var credentials = user?.UserCredentials;
        if (credentials is null || !string.IsNullOrEmpty(credentials.Token) || !string.IsNullOrEmpty(credentials.ClientCertificate)
            || !string.IsNullOrEmpty(credentials.ClientCertificateData) || credentials.ExternalExecution is not null
            || credentials.AuthProvider is not null || !string.IsNullOrEmpty(credentials.UserName))
        {
            return null;
        }

        if (TokenFileOf(file, userName!) is not { } tokenFile)
        {
            return null;
        }

        var provider = new TokenFileProvider(Path.GetFullPath(tokenFile, Path.GetDirectoryName(Path.GetFullPath(file))!));
        credentials.Token = provider.Read();
        return provider;
    }

    /// <summary>users[name].user.tokenFile of one kubeconfig file, read as YAML (the library's model has no such field).</summary>
    private static string? TokenFileOf(string file, string userName)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(file))
        {
            yaml.Load(reader);
        }

        var users = yaml.Documents.FirstOrDefault()?.RootNode is YamlMappingNode root && root.Children.TryGetValue("users", out var list) ? list as YamlSequenceNode : null;
        var user = users?.Children.OfType<YamlMappingNode>().FirstOrDefault(u => Scalar(u, "name") == userName);
        return user is not null && user.Children.TryGetValue("user", out var details) ? Scalar(details, "tokenFile") is { Length: > 0 } path ? path : null : null;
    }

    private static string? Scalar(YamlNode node, string key) =>
        node is YamlMappingNode mapping && mapping.Children.TryGetValue(key, out var value) && value is YamlScalarNode scalar ? scalar.Value : null;

    /// <summary>The token of a file, read again when the last read is a minute old.</summary>
    private sealed class TokenFileProvider(string path) : ITokenProvider
    {
        private static readonly TimeSpan ReadEvery = TimeSpan.FromMinutes(1);
        private readonly Lock _sync = new();
        private string _token = "";
        private DateTime _readAt;

        public Task<AuthenticationHeaderValue> GetAuthenticationHeaderAsync(CancellationToken cancellationToken)
        {
            lock (_sync)
            {
                if (DateTime.UtcNow - _readAt >= ReadEvery)
                {
                    Read();
                }

                return Task.FromResult(new AuthenticationHeaderValue("Bearer", _token));
            }
        }

        public string Read()
        {
            string token;
            try
            {
                token = File.ReadAllText(path).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new KubeConfigException($"The kubeconfig's tokenFile {path} cannot be read: {e.Message}", e);
            }

            if (token.Length == 0)
            {
                throw new KubeConfigException($"The kubeconfig's tokenFile {path} is empty.");
            }

            _token = token;
            _readAt = DateTime.UtcNow;
            return token;
        }
    }
}
