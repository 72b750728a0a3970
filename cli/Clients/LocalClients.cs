using SecretFleet.Cli.Commands;
using SecretFleet.Cli.Local;
using SecretFleet.Core.Identity;

namespace SecretFleet.Cli.Clients;

/// <summary>A local fleet's clients: one directory each under <c>certs/clients</c>, issued by the fleet's own CA.</summary>
internal sealed class LocalClients(string fleetDirectory) : ClientRegistry
{
    private readonly FleetManifest _fleet = FleetManifest.Load(fleetDirectory);

    public override string Description => $"local fleet {_fleet.FleetId} ({_fleet.Directory})";

    public override Task<IReadOnlyList<ClientInfo>> ListAsync(CancellationToken cancellationToken)
    {
        var root = Path.GetDirectoryName(LocalPki.ClientDirectory(_fleet.Directory, LocalPki.DefaultClient))!;
        var names = Directory.Exists(root) ? Directory.GetDirectories(root).Select(Path.GetFileName).OfType<string>() : [];
        IReadOnlyList<ClientInfo> clients = [.. names.Append(LocalPki.DefaultClient).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(Info)];
        return Task.FromResult(clients);
    }

    public override Task<ClientInfo> CreateAsync(string name, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (Exists(name))
        {
            throw CliException.Other($"Client '{name}' already exists in {Description}; its certificate is in {LocalPki.ClientDirectory(_fleet.Directory, name)}.");
        }
        new LocalPki(_fleet.Directory).LoadClient(name).Dispose();
        return Task.FromResult(Info(name));
    }

    public override Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        if (name == LocalPki.DefaultClient)
        {
            throw CliException.Usage("The default client cannot be deleted: every command without --client uses it.");
        }
        if (!Exists(name))
        {
            throw CliException.NotFound($"{Description} has no client '{name}'; `kubectl secrets client list` shows them.");
        }
        Directory.Delete(LocalPki.ClientDirectory(_fleet.Directory, name), recursive: true);
        return Task.CompletedTask;
    }

    private bool Exists(string name)
    {
        try
        {
            _ = new FleetIdentity(_fleet.TrustDomain, FleetRole.Client, name);
        }
        catch (ArgumentException)
        {
            throw CliException.Usage($"'{name}' is not a valid client name: use letters, digits, '.', '-' or '_'.");
        }
        return Directory.Exists(LocalPki.ClientDirectory(_fleet.Directory, name));
    }

    private ClientInfo Info(string name)
    {
        var directory = LocalPki.ClientDirectory(_fleet.Directory, name);
        var issued = File.Exists(Path.Combine(directory, TlsMaterial.CertificateFileName));
        return new ClientInfo(name, new FleetIdentity(_fleet.TrustDomain, FleetRole.Client, name).ToString(), directory, issued ? Ready : Pending);
    }
}
