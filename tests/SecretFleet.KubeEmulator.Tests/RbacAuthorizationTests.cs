using System.Net;
using System.Net.WebSockets;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.AspNetCore.Http;

namespace SecretFleet.KubeEmulator.Tests;

/// <summary>
/// Users other than the admin, through the official client: each request is allowed only by a Role or ClusterRole
/// bound to the user, and a refusal is the real API server's 403.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class RbacAuthorizationTests : IAsyncLifetime
{
    private const string Vault = "vault";
    private const string Other = "other";
    private EmulatorWorld _world = null!;
    private Kubernetes _admin = null!;

    public async Task InitializeAsync()
    {
        _world = await EmulatorWorld.StartAsync();
        _admin = Client(_world.Kubeconfig);
        foreach (var ns in new[] { Vault, Other })
        {
            await _admin.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
            foreach (var secret in new[] { "demo-client-a-tls", "demo-client-b-tls" })
            {
                await _admin.CoreV1.CreateNamespacedSecretAsync(
                    new V1Secret { Metadata = new V1ObjectMeta { Name = secret }, StringData = new Dictionary<string, string> { ["tls.crt"] = secret } }, ns);
            }
        }
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _world.DisposeAsync();
    }

    [Fact]
    public async Task User_granted_get_on_one_secret_by_name_reads_it_but_not_another_secret_nor_the_list()
    {
        await RoleAsync(Vault, "read-client-a", Rule("", "secrets", ["get"], names: ["demo-client-a-tls"]));
        await BindAsync(Vault, "Role", "read-client-a", User("bob"));
        using var bob = UserClient("bob");

        var secret = await bob.CoreV1.ReadNamespacedSecretAsync("demo-client-a-tls", Vault);
        var other = await ForbiddenAsync(() => bob.CoreV1.ReadNamespacedSecretAsync("demo-client-b-tls", Vault));
        var list = await ForbiddenAsync(() => bob.CoreV1.ListNamespacedSecretAsync(Vault));

        Assert.Equal("demo-client-a-tls"u8.ToArray(), secret.Data["tls.crt"]);
        Assert.Equal("secrets \"demo-client-b-tls\" is forbidden: User \"bob\" cannot get resource \"secrets\" in API group \"\" in the namespace \"vault\"", other.Message);
        Assert.Equal("Forbidden", other.Reason);
        Assert.Equal(403, other.Code);
        Assert.Equal("demo-client-b-tls", other.Details.Name);
        Assert.Equal("secrets", other.Details.Kind);
        Assert.Equal("secrets is forbidden: User \"bob\" cannot list resource \"secrets\" in API group \"\" in the namespace \"vault\"", list.Message);
    }

    [Fact]
    public async Task ClusterRole_bound_by_a_RoleBinding_grants_only_in_the_binding_namespace()
    {
        await ClusterRoleAsync("secret-reader", Rule("", "secrets", ["get", "list"]));
        await BindAsync(Vault, "ClusterRole", "secret-reader", User("bob"));
        using var bob = UserClient("bob");

        var inVault = await bob.CoreV1.ListNamespacedSecretAsync(Vault);
        var inOther = await ForbiddenAsync(() => bob.CoreV1.ReadNamespacedSecretAsync("demo-client-a-tls", Other));
        var everywhere = await ForbiddenAsync(() => bob.CoreV1.ListSecretForAllNamespacesAsync());

        Assert.Equal(["demo-client-a-tls", "demo-client-b-tls"], inVault.Items.Select(s => s.Metadata.Name).Order());
        Assert.Equal("secrets \"demo-client-a-tls\" is forbidden: User \"bob\" cannot get resource \"secrets\" in API group \"\" in the namespace \"other\"", inOther.Message);
        Assert.Equal("secrets is forbidden: User \"bob\" cannot list resource \"secrets\" in API group \"\" at the cluster scope", everywhere.Message);
    }

    [Fact]
    public async Task ClusterRoleBinding_grants_in_every_namespace_and_a_group_subject_grants_only_to_its_members()
    {
        await ClusterRoleAsync("secret-reader", Rule("", "secrets", ["get"]));
        await BindAsync(null, "ClusterRole", "secret-reader", Group("vault-readers"));
        using var alice = UserClient("alice", "vault-readers");
        using var carol = UserClient("carol", "auditors");

        var fromVault = await alice.CoreV1.ReadNamespacedSecretAsync("demo-client-b-tls", Vault);
        var fromOther = await alice.CoreV1.ReadNamespacedSecretAsync("demo-client-b-tls", Other);
        var refused = await ForbiddenAsync(() => carol.CoreV1.ReadNamespacedSecretAsync("demo-client-b-tls", Vault));

        Assert.Equal(Vault, fromVault.Metadata.NamespaceProperty);
        Assert.Equal(Other, fromOther.Metadata.NamespaceProperty);
        Assert.Equal("secrets \"demo-client-b-tls\" is forbidden: User \"carol\" cannot get resource \"secrets\" in API group \"\" in the namespace \"vault\"", refused.Message);
    }

    [Fact]
    public async Task A_binding_to_system_authenticated_applies_to_every_user()
    {
        await RoleAsync(Vault, "list-configmaps", Rule("", "configmaps", ["list"]));
        await BindAsync(Vault, "Role", "list-configmaps", Group("system:authenticated"));
        using var dave = UserClient("dave");

        var listed = await dave.CoreV1.ListNamespacedConfigMapAsync(Vault);

        Assert.Empty(listed.Items);
    }

    [Fact]
    public async Task User_without_bindings_is_forbidden_everywhere_but_discovery_works()
    {
        using var eve = UserClient("eve");
        var kubectl = new Kubectl(_world.UserKubeconfig("eve-kubectl"), Path.Combine(_world.Directory, "eve-cache"));

        var version = await eve.Version.GetCodeAsync();
        var groups = await eve.Apis.GetAPIVersionsAsync();
        var core = await eve.CoreV1.GetAPIResourcesAsync();
        var refused = await ForbiddenAsync(() => eve.CoreV1.ListNamespacedConfigMapAsync("default"));
        var namespaces = await ForbiddenAsync(() => eve.CoreV1.ListNamespaceAsync());
        var byKubectl = await kubectl.RunAsync("get secrets -n vault");

        Assert.False(string.IsNullOrEmpty(version.GitVersion));
        Assert.Contains(groups.Groups, g => g.Name == "rbac.authorization.k8s.io");
        Assert.Contains(core.Resources, r => r.Name == "secrets");
        Assert.Equal("configmaps is forbidden: User \"eve\" cannot list resource \"configmaps\" in API group \"\" in the namespace \"default\"", refused.Message);
        Assert.Equal("namespaces is forbidden: User \"eve\" cannot list resource \"namespaces\" in API group \"\" at the cluster scope", namespaces.Message);
        Assert.NotEqual(0, byKubectl.ExitCode);
        Assert.Contains("Error from server (Forbidden): secrets is forbidden: User \"eve-kubectl\" cannot list resource \"secrets\" in API group \"\" in the namespace \"vault\"", byKubectl.Stderr);
    }

    [Fact]
    public async Task An_unknown_token_is_unauthorized()
    {
        using var stranger = new Kubernetes(new KubernetesClientConfiguration
        {
            Host = _world.Emulator.BaseAddress.ToString(),
            AccessToken = "0123456789abcdef",
            SslCaCerts = [System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(_world.Emulator.CaCertificatePem)],
        });

        var e = await Assert.ThrowsAsync<HttpOperationException>(() => stranger.CoreV1.ListNamespacedConfigMapAsync("default"));

        Assert.Equal(HttpStatusCode.Unauthorized, e.Response.StatusCode);
    }

    [Fact]
    public async Task List_does_not_grant_watch()
    {
        await RoleAsync(Vault, "list-secrets", Rule("", "secrets", ["list"]));
        await BindAsync(Vault, "Role", "list-secrets", User("frank"));
        using var frank = UserClient("frank");

        var listed = await frank.CoreV1.ListNamespacedSecretAsync(Vault);
        var watch = await ForbiddenAsync(() => frank.CoreV1.ListNamespacedSecretWithHttpMessagesAsync(Vault, watch: true));

        Assert.Equal(2, listed.Items.Count);
        Assert.Equal("secrets is forbidden: User \"frank\" cannot watch resource \"secrets\" in API group \"\" in the namespace \"vault\"", watch.Message);
    }

    [Fact]
    public async Task A_binding_to_a_missing_role_is_named_as_the_reason()
    {
        await BindAsync(Vault, "Role", "not-written-yet", User("grace"));
        using var grace = UserClient("grace");

        var refused = await ForbiddenAsync(() => grace.CoreV1.ReadNamespacedSecretAsync("demo-client-a-tls", Vault));

        Assert.Equal("secrets \"demo-client-a-tls\" is forbidden: User \"grace\" cannot get resource \"secrets\" in API group \"\" in the namespace \"vault\": "
            + "RBAC: role.rbac.authorization.k8s.io \"not-written-yet\" not found", refused.Message);
    }

    [Fact]
    public async Task Port_forward_needs_create_on_pods_portforward_and_get_alone_or_a_pods_rule_does_not_do()
    {
        var forwards = new RecordingPortForward();
        _world.Emulator.MapSubresource(new GroupResource("", "pods"), "portforward", forwards);
        await RoleAsync(Vault, "forward", Rule("", "pods/portforward", ["get", "create"]));
        await RoleAsync(Vault, "forward-get-only", Rule("", "pods/portforward", ["get"]));
        await RoleAsync(Vault, "pods-only", Rule("", "pods", ["get", "create"]));
        await BindAsync(Vault, "Role", "forward", User("henry"));
        await BindAsync(Vault, "Role", "forward-get-only", User("ivan"));
        await BindAsync(Vault, "Role", "pods-only", User("judy"));
        using var henry = UserClient("henry");
        using var ivan = UserClient("ivan");
        using var judy = UserClient("judy");

        using (var socket = await henry.WebSocketNamespacedPodPortForwardAsync("fleet-0", Vault, [7443], "v4.channel.k8s.io"))
        {
            Assert.Equal(WebSocketState.Open, socket.State);
        }

        var refusedSocket = await Assert.ThrowsAsync<WebSocketException>(() => ivan.WebSocketNamespacedPodPortForwardAsync("fleet-0", Vault, [7443], "v4.channel.k8s.io"));

        // The WebSocket handshake hides the Status; the same GET without the upgrade shows it.
        var getOnly = await ForbiddenAsync(() => ivan.CoreV1.ConnectGetNamespacedPodPortforwardAsync("fleet-0", Vault, 7443));
        var podsOnly = await ForbiddenAsync(() => judy.CoreV1.ConnectGetNamespacedPodPortforwardAsync("fleet-0", Vault, 7443));

        Assert.Equal(["vault/fleet-0"], forwards.Opened);
        Assert.Contains("'403'", refusedSocket.Message, StringComparison.Ordinal);
        Assert.Equal("pods \"fleet-0\" is forbidden: User \"ivan\" cannot create resource \"pods/portforward\" in API group \"\" in the namespace \"vault\"", getOnly.Message);
        Assert.Equal("pods \"fleet-0\" is forbidden: User \"judy\" cannot get resource \"pods/portforward\" in API group \"\" in the namespace \"vault\"", podsOnly.Message);
    }

    [Fact]
    public async Task The_admin_needs_no_binding_and_a_user_in_system_masters_is_an_admin()
    {
        var tokenKubeconfig = Path.Combine(_world.Directory, "admin-token-kubeconfig");
        _world.Emulator.WriteKubeconfig(tokenKubeconfig, KubeconfigCredentials.Token);
        using var byToken = Client(tokenKubeconfig);
        using var root = UserClient("root", "system:masters");

        var byCertificate = await _admin.CoreV1.ListSecretForAllNamespacesAsync();
        var read = await byToken.CoreV1.ReadNamespacedSecretAsync("demo-client-b-tls", Vault);
        var roles = await root.RbacAuthorizationV1.ListClusterRoleAsync();

        Assert.Equal(4, byCertificate.Items.Count);
        Assert.Equal("demo-client-b-tls", read.Metadata.Name);
        Assert.Empty(roles.Items);
    }

    private static Kubernetes Client(string kubeconfig) => new(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));

    private Kubernetes UserClient(string name, params string[] groups) => Client(_world.UserKubeconfig(name, groups));

    private static V1PolicyRule Rule(string group, string resource, List<string> verbs, List<string>? names = null) =>
        new() { ApiGroups = [group], Resources = [resource], Verbs = verbs, ResourceNames = names };

    private static Rbacv1Subject User(string name) => new() { Kind = "User", Name = name, ApiGroup = "rbac.authorization.k8s.io" };

    private static Rbacv1Subject Group(string name) => new() { Kind = "Group", Name = name, ApiGroup = "rbac.authorization.k8s.io" };

    private Task RoleAsync(string ns, string name, params List<V1PolicyRule> rules) =>
        _admin.RbacAuthorizationV1.CreateNamespacedRoleAsync(new V1Role { Metadata = new V1ObjectMeta { Name = name }, Rules = rules }, ns);

    private Task ClusterRoleAsync(string name, params List<V1PolicyRule> rules) =>
        _admin.RbacAuthorizationV1.CreateClusterRoleAsync(new V1ClusterRole { Metadata = new V1ObjectMeta { Name = name }, Rules = rules });

    /// <summary>A RoleBinding in <paramref name="ns"/>, or a ClusterRoleBinding when it is null.</summary>
    private async Task BindAsync(string? ns, string roleKind, string roleName, Rbacv1Subject subject)
    {
        var name = $"{roleName}-{subject.Name.Replace(':', '-')}";
        var roleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = roleKind, Name = roleName };
        if (ns is null)
        {
            await _admin.RbacAuthorizationV1.CreateClusterRoleBindingAsync(
                new V1ClusterRoleBinding { Metadata = new V1ObjectMeta { Name = name }, RoleRef = roleRef, Subjects = [subject] });
        }
        else
        {
            await _admin.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(
                new V1RoleBinding { Metadata = new V1ObjectMeta { Name = name }, RoleRef = roleRef, Subjects = [subject] }, ns);
        }
    }

    /// <summary>The Status of the 403 the call failed with, as the official client surfaces it.</summary>
    private static async Task<V1Status> ForbiddenAsync(Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<HttpOperationException>(call);
        Assert.True(e.Response.StatusCode == HttpStatusCode.Forbidden, $"expected 403, got {(int)e.Response.StatusCode}: {e.Response.Content}");
        return KubernetesJson.Deserialize<V1Status>(e.Response.Content);
    }

    /// <summary>Stands in for the kubelet's port-forward: accepts the WebSocket and records which pod was asked for.</summary>
    private sealed class RecordingPortForward : ISubresourceHandler
    {
        private readonly List<string> _opened = [];

        public IReadOnlyList<string> Opened
        {
            get
            {
                lock (_opened)
                {
                    return [.. _opened];
                }
            }
        }

        public async Task HandleAsync(HttpContext context, ResourceType type, string? ns, string name, CancellationToken cancellationToken)
        {
            lock (_opened)
            {
                _opened.Add($"{ns}/{name}");
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync("v4.channel.k8s.io");
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken);
        }
    }
}
