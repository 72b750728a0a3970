using k8s;
using SecretFleet.Kube.Client;

namespace SecretFleet.Kube.Tests.Support;

/// <summary>Our <see cref="IKubeApi"/> over the official client, pointed at a stub API server (plain HTTP, no credentials).</summary>
internal static class StubApi
{
    public static KubernetesApi For(Uri server, TimeProvider? time = null) =>
        new(new Kubernetes(new KubernetesClientConfiguration { Host = server.ToString() }), time);
}
