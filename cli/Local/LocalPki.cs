using System.Net;
using System.Security.Cryptography.X509Certificates;
using SecretFleet.Cli.Commands;
using SecretFleet.Core.Identity;

namespace SecretFleet.Cli.Local;

/// <summary>
/// The local fleet's certificates, standing in for cert-manager: a CA in <c>ca/</c>, one node
/// certificate per node (DNS <c>localhost</c>, IP 127.0.0.1), an operator certificate for the
/// coordinator and a client certificate per client identity (<c>default</c>, or any <c>--as</c>).
/// Certificates are issued when missing or close to expiry; the CA is kept.
/// </summary>
internal sealed class LocalPki(string fleetDirectory)
{
    public const string DefaultClient = "default";

    /// <summary>The local coordinator's identity name (<c>spiffe://TD/operator/coordinator</c>); nodes obey no other operator.</summary>
    public const string OperatorName = "coordinator";
    private static readonly TimeSpan AuthorityLifetime = TimeSpan.FromDays(3650);
    private static readonly TimeSpan LeafLifetime = TimeSpan.FromDays(365);
    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    private string AuthorityDirectory => Path.Combine(fleetDirectory, "ca");

    public static string OperatorDirectory(string fleetDirectory) => Path.Combine(fleetDirectory, "certs", "operator");

    public static string ClientDirectory(string fleetDirectory, string client) => Path.Combine(fleetDirectory, "certs", "clients", client);

    /// <summary>Loads the CA, creating it for <paramref name="trustDomain"/> if there is none.</summary>
    public LocalCertificateAuthority EnsureAuthority(string trustDomain)
    {
        PrivateDirectory.Ensure(AuthorityDirectory);
        if (File.Exists(Path.Combine(AuthorityDirectory, LocalCertificateAuthority.CertificateFileName)))
        {
            return LocalCertificateAuthority.Load(AuthorityDirectory);
        }
        var authority = LocalCertificateAuthority.Create(trustDomain, AuthorityLifetime);
        authority.Save(AuthorityDirectory);
        return authority;
    }

    /// <summary>The name in node i's identity, <c>spiffe://TD/node/node-i</c>.</summary>
    public static string NodeName(int ordinal) => $"node-{ordinal}";

    public static void EnsureNode(LocalCertificateAuthority authority, string tlsDirectory, int ordinal) =>
        EnsureLeaf(authority, tlsDirectory, FleetRole.Node, NodeName(ordinal));

    public void EnsureOperator(LocalCertificateAuthority authority)
    {
        PrivateDirectory.Ensure(Path.Combine(fleetDirectory, "certs"));
        EnsureLeaf(authority, OperatorDirectory(fleetDirectory), FleetRole.Operator, OperatorName);
    }

    /// <summary>Client TLS material for <paramref name="client"/>, issued by the local CA on first use.</summary>
    public TlsMaterial LoadClient(string client)
    {
        // Checked every time, not only on issue: a name like "../operator" must not reach another directory.
        try
        {
            _ = new FleetIdentity("validation.local", FleetRole.Client, client);
        }
        catch (ArgumentException)
        {
            throw CliException.Usage($"'{client}' is not a valid client name: use letters, digits, '.', '-' or '_'.");
        }
        var directory = ClientDirectory(fleetDirectory, client);
        PrivateDirectory.Ensure(Path.Combine(fleetDirectory, "certs"));
        PrivateDirectory.Ensure(Path.GetDirectoryName(directory)!);
        if (IsFresh(directory))
        {
            PrivateDirectory.Ensure(directory);
        }
        else
        {
            using var authority = LocalCertificateAuthority.Load(AuthorityDirectory);
            EnsureLeaf(authority, directory, FleetRole.Client, client);
        }
        return TlsMaterial.LoadFromDirectory(directory);
    }

    public TlsMaterial LoadOperator() => TlsMaterial.LoadFromDirectory(OperatorDirectory(fleetDirectory));

    // The leaf's directory is created (or set to) 0700 before the key is written into it.
    private static void EnsureLeaf(LocalCertificateAuthority authority, string directory, FleetRole role, string name)
    {
        PrivateDirectory.Ensure(directory);
        if (IsFresh(directory))
        {
            return;
        }
        authority.Issue(new LeafCertificateRequest(new FleetIdentity(authority.TrustDomain, role, name), LeafLifetime)
        {
            DnsNames = ["localhost"],
            IpAddresses = [IPAddress.Loopback],
        }).WriteTo(directory);
    }

    private static bool IsFresh(string directory)
    {
        var certificate = Path.Combine(directory, TlsMaterial.CertificateFileName);
        if (!File.Exists(certificate) || !File.Exists(Path.Combine(directory, TlsMaterial.PrivateKeyFileName)))
        {
            return false;
        }
        try
        {
            using var loaded = X509Certificate2.CreateFromPemFile(certificate);
            return loaded.NotAfter.ToUniversalTime() - DateTime.UtcNow > RenewBefore;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }
}
