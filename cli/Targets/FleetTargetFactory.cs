using SecretFleet.Cli.Clients;
using SecretFleet.Cli.Commands;
using SecretFleet.Cli.Kubernetes;
using SecretFleet.Cli.Local;
using SecretFleet.Cli.Output;
using SecretFleet.Kube;
using SecretFleet.Kube.Client;
using SecretFleet.Kube.Config;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Cli.Targets;

/// <summary>Opens the fleet an invocation talks to.</summary>
internal interface IFleetTargetFactory
{
    Task<FleetTarget> OpenAsync(GlobalSettings settings, CancellationToken cancellationToken);

    /// <summary>The fleet's client identities, without contacting any node (`kubectl secrets client`).</summary>
    Task<ClientRegistry> OpenClientsAsync(GlobalSettings settings, CancellationToken cancellationToken);
}

/// <summary>
/// Picks the target: Kubernetes when any of --cluster, --namespace, --context or --kubeconfig
/// is given; else the current local fleet; else the one SecretCluster of the kubeconfig's
/// namespace. Local mode is what a new user meets.
/// </summary>
internal sealed class FleetTargetFactory(CliConsole console, TimeProvider time) : IFleetTargetFactory
{
    public async Task<FleetTarget> OpenAsync(GlobalSettings settings, CancellationToken cancellationToken)
    {
        var location = await LocateAsync(settings, cancellationToken).ConfigureAwait(false);
        if (location.LocalDirectory is { } local)
        {
            return LocalTarget.Open(local, settings.Client, time);
        }
        try
        {
            return await KubernetesTarget.OpenAsync(
                location.Api!, location.Api, new ApiServerTunnels(location.Api!.Client), location.Namespace, location.Cluster, settings.Connect, settings.Client, time, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            location.Api!.Dispose();
            throw;
        }
    }

    public async Task<ClientRegistry> OpenClientsAsync(GlobalSettings settings, CancellationToken cancellationToken)
    {
        var location = await LocateAsync(settings, cancellationToken).ConfigureAwait(false);
        return location.LocalDirectory is { } local
            ? new LocalClients(local)
            : new ClusterClients(location.Api!, location.Api, location.Namespace, location.Cluster, time);
    }

    /// <summary>A local fleet's directory, or the API (owned by the caller), namespace and name of a SecretCluster.</summary>
    private sealed record Location(string? LocalDirectory, KubernetesApi? Api, string Namespace, string Cluster);

    private async Task<Location> LocateAsync(GlobalSettings settings, CancellationToken cancellationToken)
    {
        var wantsKubernetes = settings.Cluster is not null || settings.Namespace is not null || settings.Context is not null || settings.Kubeconfig is not null;
        if (!wantsKubernetes && FleetHome.Resolve(console).CurrentFleetDirectory() is { } local)
        {
            return new Location(local, null, "", "");
        }
        k8s.KubernetesClientConfiguration config;
        try
        {
            config = KubeClientConfiguration.Load(settings.Kubeconfig, settings.Context);
        }
        catch (KubeConfigException e) when (!wantsKubernetes)
        {
            throw CliException.NotFound($"No fleet to talk to: start a local one with `kubectl secrets local up`, or name a SecretCluster with --cluster (Kubernetes: {e.Message.TrimEnd('.')}).");
        }
        catch (KubeConfigException e)
        {
            throw CliException.Other($"Cannot use the Kubernetes configuration: {e.Message.TrimEnd('.')}.", e);
        }
        var ns = settings.Namespace ?? KubeClientConfiguration.NamespaceOf(config);
        var api = KubernetesApi.Create(config);
        try
        {
            var name = settings.Cluster ?? await OnlyClusterAsync(api, ns, cancellationToken).ConfigureAwait(false);
            return new Location(null, api, ns, name);
        }
        catch
        {
            api.Dispose();
            throw;
        }
    }

    private static async Task<string> OnlyClusterAsync(IKubeApi api, string ns, CancellationToken cancellationToken)
    {
        var clusters = await KubernetesTarget.KubeCall(() => api.ListAsync<SecretCluster>(ns, null, cancellationToken), $"list SecretClusters in namespace {ns}").ConfigureAwait(false);
        return clusters.Items.Count switch
        {
            1 => clusters.Items[0].Metadata.Name!,
            0 => throw CliException.NotFound($"No local fleet and no SecretCluster in namespace {ns}: run `kubectl secrets local up`, or pass --cluster NAME -n NAMESPACE."),
            _ => throw CliException.Usage($"Namespace {ns} has several SecretClusters ({string.Join(", ", clusters.Items.Select(c => c.Metadata.Name))}); pick one with --cluster."),
        };
    }
}
