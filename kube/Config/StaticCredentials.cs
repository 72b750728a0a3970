using System.Net.Http.Headers;
using System.Text;

namespace SecretFleet.Kube.Config;

/// <summary>A fixed bearer token or username/password from the kubeconfig.</summary>
internal sealed class StaticCredentials(AuthenticationHeaderValue header) : IKubeCredentials
{
    public static StaticCredentials Bearer(string token) => new(new AuthenticationHeaderValue("Bearer", token));

    public static StaticCredentials Basic(string username, string password) =>
        new(new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}"))));

    public ValueTask<AuthenticationHeaderValue?> GetAuthorizationAsync(CancellationToken cancellationToken) => new(header);
}
