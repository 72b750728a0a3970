using SecretFleet.Core.Configuration;

namespace SecretFleet.Operator.Hosting;

/// <summary>The flags of <c>secretfleet-operator run</c>, each also settable as SECRETFLEET_*, and the usage text.</summary>
internal static class OperatorFlags
{
    public const string Usage = """
        secretfleet-operator: runs SecretFleet fleets (SecretClusters) on Kubernetes.

        Usage:
          secretfleet-operator [run] [flags]          reconcile SecretClusters until SIGTERM
          secretfleet-operator generate-crds DIR      write the CustomResourceDefinitions into DIR
          secretfleet-operator version                print the version

        Flags of run (each also an environment variable: --node-image is SECRETFLEET_NODE_IMAGE; a flag wins):
          --kubeconfig FILE        kubeconfig to use (default: KUBECONFIG, in-cluster, ~/.kube/config)
          --context NAME           kubeconfig context (default: the current one)
          --namespace NS           watch only this namespace (default: all namespaces)
          --node-image IMAGE       node image for SecretClusters without spec.image
                                   (default: ghcr.io/secretfleet/node:<operator version>)
          --leader-elect[=BOOL]    hold a Lease before reconciling; BOOL is true or false (default: false)
          --lease-name NAME        the Lease (default: secretfleet-operator)
          --lease-namespace NS     its namespace (default: the operator's own, or the kubeconfig's)
          --metrics-listen IP:PORT /metrics (default 0.0.0.0:8080; empty turns it off)
          --health-listen IP:PORT  /healthz and /readyz (default 0.0.0.0:8081; empty turns it off)
          --workers N              SecretClusters reconciled at once (default 4)
          --log-level LEVEL        trace, debug, information, warning, error, critical or none (default information)

        Exit codes: 0 stopped by SIGTERM/Ctrl-C, 1 stopped on a failure (e.g. the leader lease was lost), 2 bad flags or configuration.
        """;

    public static readonly CommandLineFlags All = new(
        "SECRETFLEET_",
        [
            new("kubeconfig"), new("context"), new("namespace", ShortName: "n"), new("node-image"), new("leader-elect", IsSwitch: true),
            new("lease-name"), new("lease-namespace"), new("metrics-listen"), new("health-listen"), new("workers"), new("log-level"),
        ],
        example: "--namespace NS",
        unknownFlagHint: " (see --help).");
}
