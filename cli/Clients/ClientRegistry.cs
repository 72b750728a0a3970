namespace SecretFleet.Cli.Clients;

/// <summary>One client identity of a fleet and where its certificate lives.</summary>
/// <param name="Name">The name in <c>spiffe://TD/client/NAME</c>.</param>
/// <param name="Identity">The whole SPIFFE id.</param>
/// <param name="Credentials">Where the certificate and key are: a Kubernetes Secret or a local directory.</param>
/// <param name="State">ready, pending (not issued yet) or unknown (its Secret cannot be read by this user).</param>
internal sealed record ClientInfo(string Name, string Identity, string Credentials, string State);

/// <summary>
/// The client identities of a fleet (`kubectl secrets client`). Each is a certificate; whoever holds it acts as
/// that client, and the secrets a client stores are its own. Deleting a client removes its certificate, not its
/// secrets: they come back to whoever is given the same name again.
/// </summary>
internal abstract class ClientRegistry : IAsyncDisposable
{
    public const string Ready = "ready";

    public const string Pending = "pending";

    public const string Unknown = "unknown";

    public abstract string Description { get; }

    public abstract Task<IReadOnlyList<ClientInfo>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Creates a client and, unless <paramref name="wait"/> is zero, waits that long for its certificate.</summary>
    public abstract Task<ClientInfo> CreateAsync(string name, TimeSpan wait, CancellationToken cancellationToken);

    public abstract Task DeleteAsync(string name, CancellationToken cancellationToken);

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
