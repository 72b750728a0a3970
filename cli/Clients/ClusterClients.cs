using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using k8s.Models;
using SecretFleet.Cli.Commands;
using SecretFleet.Cli.Kubernetes;
using SecretFleet.Core.Identity;
using SecretFleet.Kube;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Cli.Clients;

/// <summary>
/// A SecretCluster's clients: <c>spec.clients</c>, for each of which the operator has a certificate issued into
/// Secret <c>CLUSTER-client-NAME-tls</c>. Kubernetes RBAC on that Secret decides who may act as the client.
/// </summary>
internal sealed partial class ClusterClients(IKubeApi api, IDisposable? ownedApi, string ns, string name, TimeProvider time) : ClientRegistry
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    public override string Description => $"SecretCluster {ns}/{name}";

    public override async Task<IReadOnlyList<ClientInfo>> ListAsync(CancellationToken cancellationToken)
    {
        var cluster = await ReadClusterAsync(cancellationToken).ConfigureAwait(false);
        var clients = new List<ClientInfo>();
        foreach (var client in Names(cluster).Prepend(ChildNames.DefaultClient))
        {
            clients.Add(await InfoAsync(cluster, client, cancellationToken).ConfigureAwait(false));
        }
        return clients;
    }

    public override async Task<ClientInfo> CreateAsync(string client, TimeSpan wait, CancellationToken cancellationToken)
    {
        Validate(client);
        // The resourceVersion test makes two concurrent creates fail cleanly instead of one silently losing.
        // The operator's status writes move the resourceVersion too, so a refused patch is tried again
        // on a fresh read a few times before the user is asked to.
        for (var attempt = 1; ; attempt++)
        {
            var cluster = await ReadClusterAsync(cancellationToken).ConfigureAwait(false);
            if (client == ChildNames.DefaultClient || Names(cluster).Contains(client))
            {
                throw CliException.Other($"Client '{client}' already exists in {Description}; its certificate is in Secret {ns}/{ChildNames.Of(cluster).ClientTlsSecretOf(client)}.");
            }
            var entry = new JsonObject { ["name"] = client };
            var add = cluster.Spec.Clients is null
                ? new JsonObject { ["op"] = "add", ["path"] = "/spec/clients", ["value"] = new JsonArray(entry) }
                : new JsonObject { ["op"] = "add", ["path"] = "/spec/clients/-", ["value"] = entry };
            var test = new JsonObject { ["op"] = "test", ["path"] = "/metadata/resourceVersion", ["value"] = cluster.Metadata.ResourceVersion };
            if (await PatchAsync(new JsonArray(test, add), $"add client {client} to {Description}", retryable: attempt < PatchAttempts, cancellationToken).ConfigureAwait(false))
            {
                return wait > TimeSpan.Zero ? await WaitIssuedAsync(cluster, client, wait, cancellationToken).ConfigureAwait(false) : await InfoAsync(cluster, client, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public override async Task DeleteAsync(string client, CancellationToken cancellationToken)
    {
        if (client == ChildNames.DefaultClient)
        {
            throw CliException.Usage("The default client cannot be deleted: every command without --client uses it.");
        }
        Validate(client);
        var cluster = await ReadClusterAsync(cancellationToken).ConfigureAwait(false);
        var index = Names(cluster).IndexOf(client);
        if (index < 0)
        {
            throw CliException.NotFound($"{Description} has no client '{client}'; `kubectl secrets client list` shows them.");
        }
        var test = new JsonObject { ["op"] = "test", ["path"] = $"/spec/clients/{index}/name", ["value"] = client };
        var remove = new JsonObject { ["op"] = "remove", ["path"] = $"/spec/clients/{index}" };
        await PatchAsync(new JsonArray(test, remove), $"remove client {client} from {Description}", retryable: false, cancellationToken).ConfigureAwait(false);
    }

    public override ValueTask DisposeAsync()
    {
        ownedApi?.Dispose();
        return ValueTask.CompletedTask;
    }

    private static void Validate(string client)
    {
        if (client.Length > ClientSpec.MaxNameLength || !NamePattern().IsMatch(client))
        {
            throw CliException.Usage($"'{client}' is not a valid client name on Kubernetes: use at most {ClientSpec.MaxNameLength} lower-case letters, digits and '-', starting and ending with a letter or digit.");
        }
    }

    private static List<string> Names(SecretCluster cluster) => [.. (cluster.Spec.Clients ?? []).Select(c => c.Name)];

    private async Task<SecretCluster> ReadClusterAsync(CancellationToken cancellationToken) =>
        await KubernetesTarget.KubeCall(() => api.GetAsync<SecretCluster>(ns, name, cancellationToken), $"read SecretCluster {ns}/{name}").ConfigureAwait(false)
            ?? throw CliException.NotFound($"No SecretCluster '{name}' in namespace {ns}; `kubectl get secretclusters -A` lists them.");

    private const int PatchAttempts = 5;

    // False when the API server refused a guarded patch and the caller may read again and retry.
    private async Task<bool> PatchAsync(JsonArray operations, string what, bool retryable, CancellationToken cancellationToken)
    {
        try
        {
            await KubernetesTarget.KubeCall(
                () => api.PatchAsync<SecretCluster>(ns, name, KubePatch.Json(operations) with { FieldManager = LabelsAndAnnotations.CliFieldManager }, cancellationToken), what).ConfigureAwait(false);
            return true;
        }
        catch (CliException e) when (retryable && e.InnerException is KubeApiException { IsInvalid: true } or KubeApiException { IsConflict: true })
        {
            return false;
        }
        catch (CliException e) when (e.InnerException is KubeApiException { IsInvalid: true } or KubeApiException { IsConflict: true })
        {
            throw CliException.Other($"Cannot {what}: the API server refused the change ({e.InnerException.Message.TrimEnd('.')}); if the SecretCluster changed while this command ran, run it again.", e);
        }
    }

    private async Task<ClientInfo> WaitIssuedAsync(SecretCluster cluster, string client, TimeSpan wait, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + wait;
        while (true)
        {
            var info = await InfoAsync(cluster, client, cancellationToken).ConfigureAwait(false);
            if (info.State != Pending)
            {
                return info;
            }
            if (time.GetUtcNow() >= deadline)
            {
                throw CliException.Other(
                    $"Client '{client}' was added, but its certificate was not issued within {wait.TotalSeconds:0} s; the SecretCluster's CertificatesReady condition says why (`kubectl describe secretcluster {name} -n {ns}`).");
            }
            await Task.Delay(PollInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<ClientInfo> InfoAsync(SecretCluster cluster, string client, CancellationToken cancellationToken)
    {
        var secretName = ChildNames.Of(cluster).ClientTlsSecretOf(client);
        var identity = new FleetIdentity(ChildNames.TrustDomainOf(cluster), FleetRole.Client, client).ToString();
        string state;
        try
        {
            var secret = await api.GetAsync<V1Secret>(ns, secretName, cancellationToken).ConfigureAwait(false);
            state = secret?.Data?.ContainsKey(TlsMaterial.CertificateFileName) == true ? Ready : Pending;
        }
        catch (KubeApiException e) when (e.IsForbidden)
        {
            state = Unknown;
        }
        return new ClientInfo(client, identity, $"Secret {ns}/{secretName}", state);
    }

    [GeneratedRegex(ClientSpec.NamePattern)]
    private static partial Regex NamePattern();
}
