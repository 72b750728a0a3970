using System.Net.Http.Headers;

namespace SecretFleet.Kube.Config;

/// <summary>
/// A bearer token read from a file and re-read when the file changes. Bound service-account tokens rotate:
/// the kubelet swaps a symlink to a new file, so the final target's path, size and write time are the key.
/// As a backstop the file is re-read at least once a minute even if none of those changed.
/// </summary>
internal sealed class TokenFileCredentials(string path, TimeProvider time) : IKubeCredentials
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);
    private readonly Lock _gate = new();
    private (string Target, long Length, DateTime Written) _key;
    private DateTimeOffset _readAt;
    private AuthenticationHeaderValue? _header;

    public string Path => path;

    public async ValueTask<AuthenticationHeaderValue?> GetAuthorizationAsync(CancellationToken cancellationToken)
    {
        var current = KeyOf();
        lock (_gate)
        {
            if (_header is not null && current == _key && time.GetUtcNow() - _readAt < MaxAge)
            {
                return _header;
            }
        }

        string token;
        try
        {
            token = (await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KubeConfigException($"Cannot read the token file {path}: {e.Message}", e);
        }

        if (token.Length == 0)
        {
            throw new KubeConfigException($"The token file {path} is empty.");
        }

        var fresh = new AuthenticationHeaderValue("Bearer", token);
        lock (_gate)
        {
            _key = current;
            _readAt = time.GetUtcNow();
            _header = fresh;
        }

        return fresh;
    }

    private (string, long, DateTime) KeyOf()
    {
        try
        {
            var target = File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? path;
            var info = new FileInfo(target);
            return info.Exists ? (target, info.Length, info.LastWriteTimeUtc) : (target, -1, default);
        }
        catch (IOException)
        {
            return (path, -1, default);
        }
    }
}
