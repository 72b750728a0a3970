using SecretFleet.Core.Configuration;

namespace SecretFleet.Operator.Hosting;

/// <summary>The flags of <c>secretfleet-operator run</c>, each also settable as SECRETFLEET_*, and the usage text.</summary>
internal static class OperatorFlags
{
    public const string Usage = """
        secretfleet-operator: runs SecretFleet fleets (SecretClusters) on Kubernetes.

        Usage:
          secretfleet-operator [run] [flags]          reconcile SecretClusters until SIGTERM
          secretfleet-operator render -f FILE [-o yaml|json] [-n NS] [--node-image IMAGE] [--allowed-node-images LIST]
                                      [--operator-namespace NS] [--node-metrics-namespace NS]
                                                      print, offline, every object the operator would create
          secretfleet-operator generate-crds DIR      write the CustomResourceDefinitions into DIR
          secretfleet-operator version                print the version

        Flags of run (each also an environment variable: --node-image is SECRETFLEET_NODE_IMAGE; a flag wins):
          --kubeconfig FILE        kubeconfig to use (default: KUBECONFIG, in-cluster, ~/.kube/config)
          --context NAME           kubeconfig context (default: the current one)
          --namespace NS           watch only this namespace (default: all namespaces)
          --node-image IMAGE       node image for SecretClusters without spec.image
                                   (default: ghcr.io/secretfleet/node:<operator version>)
          --allowed-node-images LIST  images spec.image may name besides --node-image, comma-separated exact
                                   references (default: none; a SecretCluster naming another keeps its pods'
                                   last allowed image, with condition NodeImageAllowed=False)
          --operator-namespace NS  where the operator's pods run; each fleet's NetworkPolicy lets pods labelled
                                   app.kubernetes.io/name=secretfleet, app.kubernetes.io/component=operator there
                                   reach the nodes (default: POD_NAMESPACE, else the in-cluster or kubeconfig one)
          --node-metrics-namespace NS  pods of this namespace may reach the nodes' metrics port 8080
                                   (default: the operator's namespace)
          --leader-elect[=BOOL]    hold a Lease before reconciling; BOOL is true or false (default: false)
          --lease-name NAME        the Lease (default: secretfleet-operator)
          --lease-namespace NS     its namespace (default: the operator's own, or the kubeconfig's)
          --metrics-listen IP:PORT /metrics (default 0.0.0.0:8080; empty turns it off)
          --health-listen IP:PORT  /healthz and /readyz (default 0.0.0.0:8081; empty turns it off)
          --workers N              SecretClusters reconciled at once (default 4)
          --log-level LEVEL        trace, debug, information, warning, error, critical or none (default information)

        Flags of render (no API server, no kubeconfig; like helm template):
          -f, --filename FILE      the SecretCluster manifest (YAML or JSON, several documents allowed; - reads stdin)
          -o, --output FORMAT      yaml: documents separated by --- (default); json: one v1 List
          -n, --namespace NS       for a manifest without metadata.namespace (default: default)
          --node-image IMAGE       as run's --node-image, for SecretClusters without spec.image
                                   (default: ghcr.io/secretfleet/node:<operator version>)
          --allowed-node-images LIST, --node-metrics-namespace NS  as for run
          --operator-namespace NS  as for run (default: secretfleet-system, the namespace the docs install into)
          The manifest is checked as the API server checks it against this operator's CRD (defaults, schema,
          CEL rules) and as the operator checks spec.refresh. What exists only at run time is printed so:
          owner references carry metadata.uid if the manifest has one (kubectl get -o yaml), else the
          placeholder 00000000-0000-0000-0000-000000000000; each node's key Secret is printed without its
          data (the operator draws the 32-byte key when it creates the Secret; render never prints one);
          the objects are printed whole although the operator creates pods only once their node's
          Certificate is issued. The output is for review, diffs and bug reports: the operator creates these
          objects, do not kubectl apply them.

        Exit codes: 0 stopped by SIGTERM/Ctrl-C (render: printed), 1 stopped on a failure (e.g. the leader lease was lost),
        2 bad flags or configuration (render: bad flags, an unreadable file or a manifest the operator would refuse;
        one line on stderr naming the field, nothing on stdout).
        """;

    public static readonly CommandLineFlags All = new(
        "SECRETFLEET_",
        [
            new("kubeconfig"), new("context"), new("namespace", ShortName: "n"), new("node-image"), new("allowed-node-images"),
            new("operator-namespace"), new("node-metrics-namespace"), new("leader-elect", IsSwitch: true),
            new("lease-name"), new("lease-namespace"), new("metrics-listen"), new("health-listen"), new("workers"), new("log-level"),
        ],
        example: "--namespace NS",
        unknownFlagHint: " (see --help).");
}
