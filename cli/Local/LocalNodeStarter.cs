namespace SecretFleet.Cli.Local;

/// <summary>Certificates, keys and processes for nodes of a local fleet (`local up` and `local scale`).</summary>
internal static class LocalNodeStarter
{
    /// <summary>The fleet's CA and operator and default client identities, and each node's directory, key and certificate, made where missing.</summary>
    public static void PrepareFiles(FleetManifest fleet, IEnumerable<LocalNode> nodes)
    {
        var pki = new LocalPki(fleet.Directory);
        using var authority = pki.EnsureAuthority(fleet.TrustDomain);
        foreach (var node in nodes)
        {
            NodeLauncher.Prepare(node);
            LocalPki.EnsureNode(authority, node.TlsDirectory, node.Ordinal);
        }
        pki.EnsureOperator(authority);
        pki.LoadClient(LocalPki.DefaultClient).Dispose();
    }

    /// <summary>Starts the nodes and waits until each is ready; if one fails, stops the others this call started and throws.</summary>
    /// <returns>The nodes with their processes and ports.</returns>
    public static async Task<IReadOnlyList<LocalNode>> StartAsync(FleetManifest fleet, IReadOnlyList<LocalNode> nodes, string binary, TimeProvider time, CancellationToken cancellationToken)
    {
        var attempts = await Task.WhenAll(nodes.Select(async node =>
        {
            try
            {
                return (Node: await NodeLauncher.StartAsync(fleet, node, binary, time, cancellationToken).ConfigureAwait(false), Error: (Exception?)null);
            }
            catch (Exception e) when (e is Commands.CliException or IOException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                return (Node: node, Error: e);
            }
        })).ConfigureAwait(false);
        if (attempts.FirstOrDefault(a => a.Error is not null).Error is { } failure)
        {
            // A half-started fleet is worse than none: stop what this call started.
            foreach (var started in attempts.Where(a => a.Error is null))
            {
                await ProcessControl.StopAsync(started.Node.Process!, TimeSpan.FromSeconds(5), time, CancellationToken.None).ConfigureAwait(false);
            }
            throw failure is Commands.CliException ? failure : Commands.CliException.Other($"Cannot start the nodes: {failure.Message}", failure);
        }
        return [.. attempts.Select(a => a.Node)];
    }
}
