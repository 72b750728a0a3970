using k8s.Models;
using SecretFleet.Kube;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Operator.Reconciliation;

/// <summary>Deletes Secrets that cert-manager made for a cluster's Certificates (they carry no owner reference).</summary>
internal static class CertificateSecrets
{
    /// <summary>Deletes a Secret only if it was made for this cluster (it carries the cluster label); true if it deleted one.</summary>
    public static async Task<bool> DeleteOwnAsync(IKubeApi api, ChildNames names, string name, CancellationToken cancellationToken)
    {
        var secret = await api.GetAsync<V1Secret>(names.Namespace, name, cancellationToken).ConfigureAwait(false);
        if (secret?.GetLabel(LabelsAndAnnotations.Cluster) != names.Cluster)
        {
            return false;
        }

        return await api.DeleteAsync(KubeResources.Secrets, names.Namespace, name, new DeleteOptions { PreconditionUid = secret.Metadata.Uid }, cancellationToken).ConfigureAwait(false);
    }
}
