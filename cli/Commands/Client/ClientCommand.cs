using System.CommandLine;
using SecretFleet.Core.Scheduling;

namespace SecretFleet.Cli.Commands.Client;

/// <summary>`client create|list|delete`: the fleet's client identities, one per user or workload.</summary>
internal static class ClientCommand
{
    public static Command Create(GlobalOptions globals, CliHost host)
    {
        var client = new Command("client", "Manage client identities: each user or workload gets its own certificate, and the secrets it stores are its own. Commands act as one with --client NAME.");
        client.Add(CreateCommand(globals, host));
        client.Add(ListCommand(globals, host));
        client.Add(DeleteCommand(globals, host));
        return client;
    }

    private static Command CreateCommand(GlobalOptions globals, CliHost host)
    {
        var name = new Argument<string>("NAME") { Description = "client name (on Kubernetes a DNS label: a-z, 0-9, '-')" };
        var timeout = new Option<string>("--timeout") { Description = "how long to wait for the certificate (Go duration; 0 = do not wait)", DefaultValueFactory = _ => "2m", HelpName = "DURATION" };
        var command = new Command("create", "Create a client identity spiffe://TRUST-DOMAIN/client/NAME. On Kubernetes: adds it to spec.clients; the operator issues Secret CLUSTER-client-NAME-tls, and whoever may read that Secret acts as the client.") { name, timeout };
        CommandRunner.SetAction(command, globals, host, (context, cancellationToken) =>
            new ClientVerbs(context).CreateAsync(context.Parse.GetValue(name)!, GoDuration.Parse(context.Parse.GetValue(timeout)!, "--timeout"), cancellationToken));
        return command;
    }

    private static Command ListCommand(GlobalOptions globals, CliHost host)
    {
        var command = new Command("list", "List the client identities and where their certificates are.");
        CommandRunner.SetAction(command, globals, host, (context, cancellationToken) => new ClientVerbs(context).ListAsync(cancellationToken));
        return command;
    }

    private static Command DeleteCommand(GlobalOptions globals, CliHost host)
    {
        var name = new Argument<string>("NAME") { Description = "client name" };
        var command = new Command("delete", "Delete a client identity's certificate. Its secrets stay on the nodes, readable again by a client created with the same name.") { name };
        CommandRunner.SetAction(command, globals, host, (context, cancellationToken) => new ClientVerbs(context).DeleteAsync(context.Parse.GetValue(name)!, cancellationToken));
        return command;
    }
}
