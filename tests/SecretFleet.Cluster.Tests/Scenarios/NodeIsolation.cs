using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s.Models;
using SecretFleet.Core.Identity;
using SecretFleet.Kube;
using SecretFleet.Kube.Client;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Cluster.Tests.Scenarios;

/// <summary>
/// What "one identity per node" means on Kubernetes, checked through the API alone (so on either backend): each
/// node's TLS Secret holds a certificate naming exactly that node, under a key no other node has; and each node pod,
/// as the operator built it, mounts its own TLS and key Secret and no other node's, nor the shared ones of older fleets.
/// </summary>
internal static class NodeIsolation
{
    /// <summary>Node i's TLS Secret names <c>spiffe://TD/node/NAME-i</c> and pod i's DNS names only, with a key of its own.</summary>
    public static async Task AssertEachNodeHasItsOwnIdentityAsync(KubernetesApi api, SecretCluster cluster, int replicas, CancellationToken cancellationToken)
    {
        var names = ChildNames.Of(cluster);
        var publicKeys = new HashSet<string>(StringComparer.Ordinal);
        for (var ordinal = 0; ordinal < replicas; ordinal++)
        {
            var secretName = names.NodeTlsSecret(ordinal);
            var secret = await api.GetAsync<V1Secret>(names.Namespace, secretName, cancellationToken)
                ?? throw new InvalidOperationException($"Secret {secretName} (node {ordinal}'s certificate) does not exist");
            string Pem(string key) => Encoding.UTF8.GetString(secret.Data![key]);
            using var tls = TlsMaterial.FromPem(Pem("tls.crt"), Pem("tls.key"), Pem("ca.crt"));
            Assert.Equal(ChildNames.NodeIdentity(cluster, ordinal), tls.Identity);
            Assert.Equal(cluster.Spec.TrustDomain ?? $"{names.Cluster}.{names.Namespace}", tls.Identity.TrustDomain);
            var dns = tls.Certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames()).Order(StringComparer.Ordinal);
            Assert.Equal(names.PodDnsNames(ordinal).Order(StringComparer.Ordinal), dns);
            Assert.True(publicKeys.Add(Convert.ToHexString(tls.Certificate.GetPublicKey())), $"node {ordinal}'s certificate has the key of another node's");
        }
    }

    /// <summary>Every node pod mounts (or reads into its environment) exactly its own TLS and key Secrets.</summary>
    public static void AssertNoPodReadsAnotherNodesSecrets(IReadOnlyList<V1Pod> pods, SecretCluster cluster, int replicas)
    {
        var names = ChildNames.Of(cluster);
        var seen = 0;
        foreach (var pod in pods.Where(p => p.Metadata.DeletionTimestamp is null))
        {
            if (names.PodOrdinal(pod.Metadata.Name ?? "") is not { } ordinal || ordinal >= replicas)
            {
                continue;
            }

            seen++;
            Assert.Equal([names.NodeKeySecret(ordinal), names.NodeTlsSecret(ordinal)], SecretsRead(pod).Order(StringComparer.Ordinal));
        }

        Assert.Equal(replicas, seen);
    }

    /// <summary>Every Secret a pod reads: secret volumes, projected sources, env and envFrom of every container.</summary>
    public static IReadOnlySet<string> SecretsRead(V1Pod pod)
    {
        var spec = pod.Spec ?? new V1PodSpec();
        var secrets = new HashSet<string>(StringComparer.Ordinal);
        foreach (var volume in spec.Volumes ?? [])
        {
            Add(secrets, volume.Secret?.SecretName);
            foreach (var source in volume.Projected?.Sources ?? [])
            {
                Add(secrets, source.Secret?.Name);
            }
        }

        var containers = (spec.InitContainers ?? []).Concat(spec.Containers ?? []);
        foreach (var container in containers)
        {
            foreach (var variable in container.Env ?? [])
            {
                Add(secrets, variable.ValueFrom?.SecretKeyRef?.Name);
            }

            foreach (var from in container.EnvFrom ?? [])
            {
                Add(secrets, from.SecretRef?.Name);
            }
        }

        return secrets;
    }

    private static void Add(HashSet<string> secrets, string? name)
    {
        if (name is not null)
        {
            secrets.Add(name);
        }
    }
}
