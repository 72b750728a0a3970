using System.Globalization;
using System.Security.Cryptography;
using Grpc.Core;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Identity;
using SecretFleet.Core.Protos;
using SecretFleet.Core.Rpc;
using Spectre.Console;

namespace SecretFleet.Cli.Commands.Debug;

/// <summary>
/// Asks each node for its share of a secret (as its owner may) and prints only the first bytes
/// of the share's SHA-256: enough to see that nodes hold different shares and that a refresh
/// changed every one of them, nothing that helps recover the secret.
/// </summary>
internal sealed class ShareFingerprints(CommandContext context)
{
    private const int FingerprintBytes = 6;

    public async Task<int> RunAsync(string name, CancellationToken cancellationToken)
    {
        SecretNames.Check(name);
        await using var target = await context.OpenTargetAsync(cancellationToken).ConfigureAwait(false);
        var rows = await Task.WhenAll(target.View.Members.Select(member => FingerprintAsync(member, target.ClientTls, name, cancellationToken))).ConfigureAwait(false);
        var output = context.Output;
        if (output.IsJson)
        {
            output.WriteJson(new SharesJson(name, rows));
            return ExitCodes.Ok;
        }
        var table = new Table().Border(TableBorder.Simple).AddColumn("NODE").AddColumn("EPOCH").AddColumn("VERSION").AddColumn("SHARE SHA-256 (prefix)");
        foreach (var row in rows)
        {
            table.AddRow($"node-{row.Ordinal}", row.Epoch?.ToString(CultureInfo.InvariantCulture) ?? "-", row.Version?.ToString(CultureInfo.InvariantCulture) ?? "-",
                row.Fingerprint ?? $"[red]{Markup.Escape(row.Error ?? "no share")}[/]");
        }
        output.Human.Write(table);
        return ExitCodes.Ok;
    }

    private static async Task<ShareRow> FingerprintAsync(FleetMember member, TlsMaterial tls, string name, CancellationToken cancellationToken)
    {
        using var channel = FleetChannel.Create(new RpcChannelOptions
        {
            Address = member.Endpoint,
            Tls = tls,
            TlsServerName = member.TlsName,
            ExpectedServerRole = FleetRole.Node,
            ExpectedServerIdentity = member.Identity,
            MaxReceiveMessageBytes = 16 * 1024 * 1024,
        });
        try
        {
            var answer = await new Shares.SharesClient(channel).GetAsync(new GetShareRequest { Name = name },
                deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: cancellationToken).ResultAsync(cancellationToken).ConfigureAwait(false);
            // Hashed in place, then wiped: no copy of the share is made.
            var digest = SHA256.HashData(answer.Share.Span);
            WireBytes.Wipe(answer.Share);
            return new ShareRow(member.Ordinal, answer.Epoch, answer.Version, Convert.ToHexStringLower(digest.AsSpan(0, FingerprintBytes)), null);
        }
        catch (RpcException e)
        {
            return new ShareRow(member.Ordinal, null, null, null, $"{e.StatusCode.ToWireName()}: {e.Status.Detail}");
        }
    }

    private sealed record SharesJson(string Name, IReadOnlyList<ShareRow> Nodes);

    private sealed record ShareRow(int Ordinal, ulong? Epoch, ulong? Version, string? Fingerprint, string? Error);
}
