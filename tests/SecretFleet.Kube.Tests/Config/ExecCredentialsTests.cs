using SecretFleet.Kube.Config;

namespace SecretFleet.Kube.Tests.Config;

/// <summary>Exec credential plugins run as real processes.</summary>
[Trait("Category", "Integration")]
public sealed class ExecCredentialsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private KubeEnvironment Env() => new()
    {
        GetVariable = _ => null,
        HomeDirectory = _dir.Path,
        ServiceAccountDirectory = Path.Combine(_dir.Path, "no-service-account"),
    };

    private static async Task<string?> AuthorizationOf(KubeClientConfig config) =>
        (await config.Credentials!.GetAuthorizationAsync(CancellationToken.None))?.ToString();

    [Fact]
    public async Task An_exec_plugin_token_is_used_and_cached_until_it_expires()
    {
        var log = Path.Combine(_dir.Path, "calls");
        var plugin = _dir.Write("bin/cred-plugin", $$$"""
            #!/bin/sh
            echo called >> "{{{log}}}"
            echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"exec-token","expirationTimestamp":"2999-01-01T00:00:00Z"}}'
            """);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(plugin, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var file = _dir.Write("config", """
            current-context: dev
            contexts: [{name: dev, context: {cluster: c, user: cloud}}]
            clusters: [{name: c, cluster: {server: "https://c.example"}}]
            users:
            - name: cloud
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: ./bin/cred-plugin
                  args: [get-token]
            """);
        var config = KubeConfigLoader.Load(new KubeConfigOptions { KubeconfigPath = file }, Env());

        Assert.Equal("Bearer exec-token", await AuthorizationOf(config));
        Assert.Equal("Bearer exec-token", await AuthorizationOf(config));
        Assert.Single(File.ReadAllLines(log));
    }

    [Fact]
    public async Task A_failing_exec_plugin_names_the_command_and_its_error()
    {
        var plugin = _dir.Write("bin/broken", "#!/bin/sh\necho 'login expired, run cloud auth login' >&2\nexit 3\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(plugin, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var file = _dir.Write("config", """
            current-context: dev
            contexts: [{name: dev, context: {cluster: c, user: cloud}}]
            clusters: [{name: c, cluster: {server: "https://c.example"}}]
            users: [{name: cloud, user: {exec: {command: ./bin/broken}}}]
            """);
        var config = KubeConfigLoader.Load(new KubeConfigOptions { KubeconfigPath = file }, Env());

        var e = await Assert.ThrowsAsync<KubeConfigException>(() => AuthorizationOf(config));

        Assert.Contains("exited with 3: login expired, run cloud auth login", e.Message, StringComparison.Ordinal);
    }
}
