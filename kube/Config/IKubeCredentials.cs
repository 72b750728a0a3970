using System.Net.Http.Headers;

namespace SecretFleet.Kube.Config;

/// <summary>Supplies the Authorization header. Asked before every request, so rotating credentials just work.</summary>
public interface IKubeCredentials
{
    ValueTask<AuthenticationHeaderValue?> GetAuthorizationAsync(CancellationToken cancellationToken);
}
