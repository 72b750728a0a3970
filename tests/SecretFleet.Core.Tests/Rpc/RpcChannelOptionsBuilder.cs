using SecretFleet.Core.Identity;
using SecretFleet.Core.Rpc;

namespace SecretFleet.Core.Tests.Rpc;

/// <summary>Mutable stand-in for <see cref="RpcChannelOptions"/> (init-only) so tests can tweak one setting.</summary>
internal sealed class RpcChannelOptionsBuilder
{
    public required Uri Address { get; set; }

    public required TlsMaterial Tls { get; set; }

    public string? TlsServerName { get; set; }

    public FleetRole? ExpectedServerRole { get; set; }

    public FleetIdentity? ExpectedServerIdentity { get; set; }

    public int MaxReceiveMessageBytes { get; set; } = 4 * 1024 * 1024;

    public int MaxSendMessageBytes { get; set; } = 4 * 1024 * 1024;

    public RpcChannelOptions Build() => new()
    {
        Address = Address,
        Tls = Tls,
        TlsServerName = TlsServerName,
        ExpectedServerRole = ExpectedServerRole,
        ExpectedServerIdentity = ExpectedServerIdentity,
        MaxReceiveMessageBytes = MaxReceiveMessageBytes,
        MaxSendMessageBytes = MaxSendMessageBytes,
    };
}
