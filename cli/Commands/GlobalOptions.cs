using System.CommandLine;
using SecretFleet.Cli.Kubernetes;
using SecretFleet.Cli.Output;

namespace SecretFleet.Cli.Commands;

/// <summary>The flags every verb accepts (kubectl's names where kubectl has one).</summary>
internal sealed class GlobalOptions
{
    public Option<string?> Cluster { get; } = new("--cluster")
    {
        Description = "SecretCluster to talk to (Kubernetes); without it, the current local fleet",
        HelpName = "NAME",
        Recursive = true,
    };

    public Option<string?> Namespace { get; } = new("--namespace", "-n")
    {
        Description = "Kubernetes namespace of the SecretCluster (default: the context's)",
        HelpName = "NS",
        Recursive = true,
    };

    public Option<string?> Context { get; } = new("--context")
    {
        Description = "kubeconfig context to use",
        Recursive = true,
    };

    public Option<string?> Kubeconfig { get; } = new("--kubeconfig")
    {
        Description = "kubeconfig file to use",
        HelpName = "FILE",
        Recursive = true,
    };

    public Option<string> Connect { get; } = new("--connect")
    {
        Description = "how to reach node pods: auto (pod IP, else port-forward), direct or port-forward",
        DefaultValueFactory = _ => "auto",
        Recursive = true,
    };

    public Option<string> Output { get; } = new("--output", "-o")
    {
        Description = "output format: table (for people) or json (for scripts)",
        DefaultValueFactory = _ => "table",
        HelpName = "table|json",
        Recursive = true,
    };

    public Option<string?> Client { get; } = new("--client", "--as")
    {
        Description = "client identity to act as (default: default): on Kubernetes its Secret CLUSTER-client-CLIENT-tls (`kubectl secrets client create`), locally issued by the fleet's CA on first use",
        HelpName = "CLIENT",
        Recursive = true,
    };

    public GlobalOptions()
    {
        Connect.AcceptOnlyFromAmong(ConnectModes.Names);
        Output.AcceptOnlyFromAmong("table", "json");
    }

    public IEnumerable<Option> All => [Cluster, Namespace, Context, Kubeconfig, Connect, Output, Client];

    public GlobalSettings Read(ParseResult result) => new()
    {
        Cluster = result.GetValue(Cluster),
        Namespace = result.GetValue(Namespace),
        Context = result.GetValue(Context),
        Kubeconfig = result.GetValue(Kubeconfig),
        Connect = ConnectModes.Parse(result.GetValue(Connect)),
        Output = result.GetValue(Output) == "json" ? OutputFormat.Json : OutputFormat.Table,
        Client = result.GetValue(Client),
    };
}
