using System.Net;
using k8s.Models;
using SecretFleet.Kube;
using SecretFleet.Kube.Client;
using SecretFleet.KubeEmulator;

namespace SecretFleet.Cluster.Tests.ClientTests;

/// <summary>
/// Our wiring of the official client's configuration, against the emulator: the library resolves the
/// credentials (exec plugin, token, service account); we only choose the source and hand it the result.
/// </summary>
[Collection(ProcessEnvironment.Name)]
public sealed class KubeconfigWiringTests : IAsyncLifetime
{
    private EmulatorWorld _world = null!;

    public async Task InitializeAsync() => _world = await EmulatorWorld.StartAsync();

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task A_client_certificate_kubeconfig_reaches_the_API_server()
    {
        using var api = KubernetesApi.Create(KubeClientConfiguration.Load(_world.Kubeconfig));

        Assert.NotNull(await api.GetAsync<V1Namespace>(KubeResources.Namespaces, null, "default", default));
    }

    [Fact]
    public async Task A_bearer_token_kubeconfig_reaches_the_API_server_and_names_the_namespace()
    {
        var path = Path.Combine(_world.Directory, "token-kubeconfig");
        _world.Emulator.WriteKubeconfig(path, KubeconfigCredentials.Token, "vault");
        var config = KubeClientConfiguration.Load(path);
        using var api = KubernetesApi.Create(config);

        Assert.Equal("vault", KubeClientConfiguration.NamespaceOf(config));
        Assert.NotNull(await api.GetAsync<V1Namespace>(KubeResources.Namespaces, null, "default", default));
    }

    [Fact]
    public async Task An_exec_plugin_supplies_the_token()
    {
        var path = WriteExecKubeconfig(WritePlugin("credential-plugin.sh", _world.Emulator.Token));
        using var api = KubernetesApi.Create(KubeClientConfiguration.Load(path));

        Assert.NotNull(await api.GetAsync<V1Namespace>(KubeResources.Namespaces, null, "default", default));
    }

    [Fact]
    public async Task A_token_file_next_to_the_kubeconfig_supplies_the_token_as_that_user()
    {
        var token = _world.Emulator.AddUser("carol");
        var directory = Path.Combine(_world.Directory, "token-file");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "carol.token"), token + "\n");
        var path = WriteTokenFileKubeconfig(Path.Combine(directory, "kubeconfig"), token, "carol.token");

        using var api = KubernetesApi.Create(KubeClientConfiguration.Load(path));

        // carol has no bindings: a 403 naming her (not a 401) shows the server took the file's token as hers.
        var e = await Assert.ThrowsAsync<KubeApiException>(() => api.GetAsync<V1Namespace>(KubeResources.Namespaces, null, "default", default));
        Assert.Equal(HttpStatusCode.Forbidden, e.StatusCode);
        Assert.Contains("User \"carol\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_token_file_that_does_not_exist_is_a_configuration_error_naming_it()
    {
        var path = WriteTokenFileKubeconfig(Path.Combine(_world.Directory, "missing-token-kubeconfig"), _world.Emulator.AddUser("dave"), "/nonexistent/secretfleet.token");

        var e = Assert.Throws<SecretFleet.Kube.Config.KubeConfigException>(() => KubeClientConfiguration.Load(path));

        Assert.Contains("/nonexistent/secretfleet.token", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_the_server_rejects_is_an_API_error_not_a_hang()
    {
        using var api = KubernetesApi.Create(KubeClientConfiguration.Load(WriteExecKubeconfig(WritePlugin("wrong-plugin.sh", "not-the-token"))));

        var e = await Assert.ThrowsAsync<KubeApiException>(() => api.GetAsync<V1Namespace>(KubeResources.Namespaces, null, "default", default));
        Assert.Equal(HttpStatusCode.Unauthorized, e.StatusCode);
        Assert.DoesNotContain("not-the-token", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_cluster_configuration_comes_from_the_service_account_files_and_environment()
    {
        var account = Path.Combine(_world.Directory, "serviceaccount");
        Directory.CreateDirectory(account);
        File.WriteAllText(Path.Combine(account, "token"), _world.Emulator.Token);
        File.WriteAllText(Path.Combine(account, "ca.crt"), _world.Emulator.CaCertificatePem);
        File.WriteAllText(Path.Combine(account, "namespace"), "vault");

        using var environment = new ProcessEnvironment(account)
        {
            ["KUBECONFIG"] = null,
            ["KUBERNETES_SERVICE_HOST"] = _world.Emulator.BaseAddress.Host,
            ["KUBERNETES_SERVICE_PORT"] = _world.Emulator.BaseAddress.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var config = KubeClientConfiguration.Load();
        using var api = KubernetesApi.Create(config);

        Assert.Equal("vault", KubeClientConfiguration.NamespaceOf(config));
        Assert.NotNull(await api.GetAsync<V1Namespace>(KubeResources.Namespaces, null, "default", default));
    }

    [Fact]
    public async Task A_context_from_the_second_file_of_a_KUBECONFIG_list_is_found()
    {
        var first = Path.Combine(_world.Directory, "first-kubeconfig");
        File.WriteAllText(first, """
            apiVersion: v1
            kind: Config
            clusters: [{name: elsewhere, cluster: {server: "https://192.0.2.1:6443"}}]
            users: [{name: nobody, user: {token: none}}]
            contexts: [{name: elsewhere, context: {cluster: elsewhere, user: nobody}}]
            current-context: elsewhere
            """);
        var second = Path.Combine(_world.Directory, "second-kubeconfig");
        _world.Emulator.WriteKubeconfig(second, KubeconfigCredentials.Token, "vault");
        using var environment = new ProcessEnvironment(Path.Combine(_world.Directory, "no-serviceaccount"))
        {
            ["KUBECONFIG"] = string.Join(Path.PathSeparator, first, Path.Combine(_world.Directory, "missing"), second),
        };

        var config = KubeClientConfiguration.Load(context: "emulator");
        using var api = KubernetesApi.Create(config);

        Assert.Equal("vault", KubeClientConfiguration.NamespaceOf(config));
        Assert.NotNull(await api.GetAsync<V1Namespace>(KubeResources.Namespaces, null, "default", default));
        Assert.Equal("https://192.0.2.1:6443", KubeClientConfiguration.Load().Host.TrimEnd('/'));
    }

    /// <summary>A credential plugin as kubectl's docs describe it: prints an ExecCredential on stdout.</summary>
    private string WritePlugin(string name, string token)
    {
        var plugin = Path.Combine(_world.Directory, name);
        File.WriteAllText(plugin, "#!/bin/sh\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"" + token + "\"}}'\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(plugin, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return plugin;
    }

    /// <summary>A user's kubeconfig as the emulator writes it, with its <c>token</c> moved out to <c>tokenFile</c>.</summary>
    private string WriteTokenFileKubeconfig(string path, string token, string tokenFile)
    {
        _world.Emulator.WriteKubeconfig(path, token);
        var text = File.ReadAllText(path);
        Assert.Contains($"    token: {token}\n", text, StringComparison.Ordinal);
        File.WriteAllText(path, text.Replace($"    token: {token}\n", $"    tokenFile: {tokenFile}\n", StringComparison.Ordinal));
        return path;
    }

    private string WriteExecKubeconfig(string plugin)
    {
        var path = Path.Combine(_world.Directory, Path.GetFileNameWithoutExtension(plugin) + "-kubeconfig");
        _world.Emulator.WriteKubeconfig(path, KubeconfigCredentials.Token);
        var text = File.ReadAllText(path).Replace(
            $"    token: {_world.Emulator.Token}\n",
            "    exec:\n" +
            "      apiVersion: client.authentication.k8s.io/v1\n" +
            $"      command: {plugin}\n" +
            "      interactiveMode: Never\n",
            StringComparison.Ordinal);
        File.WriteAllText(path, text);
        return path;
    }
}
