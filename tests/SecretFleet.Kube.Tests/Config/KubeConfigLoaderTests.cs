using SecretFleet.Kube.Config;

namespace SecretFleet.Kube.Tests.Config;

[Trait("Category", "Unit")]
public sealed class KubeConfigLoaderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private KubeEnvironment Env(string? kubeconfig = null) => new()
    {
        GetVariable = name => name == "KUBECONFIG" ? kubeconfig : null,
        HomeDirectory = Path.Combine(_dir.Path, "home"),
        ServiceAccountDirectory = Path.Combine(_dir.Path, "no-service-account"),
    };

    private static async Task<string?> AuthorizationOf(KubeClientConfig config) =>
        (await config.Credentials!.GetAuthorizationAsync(CancellationToken.None))?.ToString();

    [Fact]
    public async Task KUBECONFIG_files_merge_in_order_and_the_first_definition_wins()
    {
        var first = _dir.Write("a/config", """
            apiVersion: v1
            kind: Config
            current-context: dev
            contexts:
            - name: dev
              context: {cluster: dev-cluster, user: alice, namespace: team-a}
            clusters:
            - name: dev-cluster
              cluster: {server: "https://dev.example:6443"}
            """);
        var second = _dir.Write("b/config", """
            current-context: prod
            contexts:
            - name: dev
              context: {cluster: other, user: bob, namespace: ignored}
            - name: prod
              context: {cluster: prod-cluster, user: bob}
            clusters:
            - name: dev-cluster
              cluster: {server: "https://ignored.example"}
            - name: prod-cluster
              cluster: {server: "https://prod.example"}
            users:
            - name: alice
              user: {token: alice-token}
            - name: bob
              user: {token: bob-token}
            """);
        var missing = Path.Combine(_dir.Path, "missing");

        var config = KubeConfigLoader.Load(environment: Env(string.Join(Path.PathSeparator, missing, first, second)));

        Assert.Equal("dev", config.ContextName);
        Assert.Equal(new Uri("https://dev.example:6443"), config.Server);
        Assert.Equal("team-a", config.Namespace);
        Assert.Equal("Bearer alice-token", await AuthorizationOf(config));
    }

    [Fact]
    public void Context_and_namespace_flags_override_the_file()
    {
        var file = _dir.Write("config", """
            current-context: dev
            contexts:
            - {name: dev, context: {cluster: c, namespace: team-a}}
            - {name: prod, context: {cluster: c, namespace: team-p}}
            clusters:
            - {name: c, cluster: {server: "https://c.example"}}
            """);

        var byContext = KubeConfigLoader.Load(new KubeConfigOptions { KubeconfigPath = file, Context = "prod" }, Env());
        var byNamespace = KubeConfigLoader.Load(new KubeConfigOptions { KubeconfigPath = file, Namespace = "other" }, Env());

        Assert.Equal("team-p", byContext.Namespace);
        Assert.Equal("prod", byContext.ContextName);
        Assert.Equal("other", byNamespace.Namespace);
        Assert.Null(byNamespace.Credentials);
    }

    [Fact]
    public void A_context_without_namespace_means_default()
    {
        var file = _dir.Write("config", """
            current-context: dev
            contexts: [{name: dev, context: {cluster: c}}]
            clusters: [{name: c, cluster: {server: "https://c.example"}}]
            """);

        Assert.Equal("default", KubeConfigLoader.Load(new KubeConfigOptions { KubeconfigPath = file }, Env()).Namespace);
    }

    [Fact]
    public void An_unknown_context_names_it_and_lists_the_known_ones()
    {
        var file = _dir.Write("config", """
            current-context: dev
            contexts: [{name: dev, context: {cluster: c}}]
            clusters: [{name: c, cluster: {server: "https://c.example"}}]
            """);

        var e = Assert.Throws<KubeConfigException>(() => KubeConfigLoader.Load(new KubeConfigOptions { KubeconfigPath = file, Context = "staging" }, Env()));

        Assert.StartsWith("context \"staging\" not in kubeconfig", e.Message, StringComparison.Ordinal);
        Assert.Contains("known: dev", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_kubeconfig_anywhere_says_how_to_give_one()
    {
        var e = Assert.Throws<KubeConfigException>(() => KubeConfigLoader.Load(environment: Env()));

        Assert.Equal("no kubeconfig found (set KUBECONFIG or use --kubeconfig)", e.Message);
    }

    [Fact]
    public void A_missing_kubeconfig_flag_file_is_named()
    {
        var path = Path.Combine(_dir.Path, "nope.yaml");

        var e = Assert.Throws<KubeConfigException>(() => KubeConfigLoader.Load(new KubeConfigOptions { KubeconfigPath = path }, Env()));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("--kubeconfig", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Home_kubeconfig_is_the_last_resort()
    {
        _dir.Write("home/.kube/config", """
            current-context: home
            contexts: [{name: home, context: {cluster: c}}]
            clusters: [{name: c, cluster: {server: "https://home.example"}}]
            """);

        Assert.Equal("home", KubeConfigLoader.Load(environment: Env()).ContextName);
    }

    [Fact]
    public void Invalid_base64_data_names_the_user_and_field()
    {
        var file = _dir.Write("config", """
            current-context: dev
            contexts: [{name: dev, context: {cluster: c, user: alice}}]
            clusters: [{name: c, cluster: {server: "https://c.example"}}]
            users: [{name: alice, user: {client-certificate-data: "not base64!", client-key-data: "AAAA"}}]
            """);

        var e = Assert.Throws<KubeConfigException>(() => KubeConfigLoader.Load(new KubeConfigOptions { KubeconfigPath = file }, Env()));

        Assert.Equal("user \"alice\" client-certificate-data is not valid base64.", e.Message);
    }

    [Fact]
    public async Task A_relative_tokenFile_resolves_next_to_its_kubeconfig_and_is_reread_when_it_changes()
    {
        var file = _dir.Write("kube/config", """
            current-context: dev
            contexts: [{name: dev, context: {cluster: c, user: robot}}]
            clusters: [{name: c, cluster: {server: "https://c.example"}}]
            users: [{name: robot, user: {tokenFile: tokens/robot}}]
            """);
        var tokenPath = _dir.Write("kube/tokens/robot", "first-token\n");
        var config = KubeConfigLoader.Load(new KubeConfigOptions { KubeconfigPath = file }, Env());

        var before = await AuthorizationOf(config);
        File.WriteAllText(tokenPath, "second-token-longer\n");
        var after = await AuthorizationOf(config);

        Assert.Equal("Bearer first-token", before);
        Assert.Equal("Bearer second-token-longer", after);
    }
}
