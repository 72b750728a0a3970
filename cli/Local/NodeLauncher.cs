using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using SecretFleet.Core.Configuration;

namespace SecretFleet.Cli.Local;

/// <summary>
/// Starts one <c>secretfleet-node</c> of a local fleet as a detached process on 127.0.0.1 — on
/// the ports it had before when they are still free, else on ports the OS picks — and waits for
/// its ready line, which says which ports it bound.
/// </summary>
internal static partial class NodeLauncher
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Creates the node's directories (0700; existing ones are set to 0700) and its 32-byte sealing
    /// key (mode 0600) when missing. The node creates its database files 0600 itself.
    /// </summary>
    public static void Prepare(LocalNode node)
    {
        PrivateDirectory.Ensure(Path.GetDirectoryName(node.NodeDirectory)!);
        PrivateDirectory.Ensure(node.NodeDirectory);
        PrivateDirectory.Ensure(node.DataDirectory);
        if (File.Exists(node.KeyFile))
        {
            return;
        }
        var key = RandomNumberGenerator.GetBytes(32);
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            using var stream = new FileStream(node.KeyFile, options);
            stream.Write(key);
            stream.Flush(flushToDisk: true);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    public static async Task<LocalNode> StartAsync(FleetManifest fleet, LocalNode node, string binary, TimeProvider time, CancellationToken cancellationToken)
    {
        var grpc = IsFree(node.GrpcPort) ? node.GrpcPort : 0;
        var http = IsFree(node.HttpPort) ? node.HttpPort : 0;
        var command = Command(binary);
        command.AddRange([
            "--cluster", "local",
            "--ordinal", node.Ordinal.ToString(CultureInfo.InvariantCulture),
            "--threshold", fleet.Threshold.ToString(CultureInfo.InvariantCulture),
            "--data-dir", node.DataDirectory,
            "--tls-dir", node.TlsDirectory,
            "--key-file", node.KeyFile,
            "--operator-name", LocalPki.OperatorName,
            "--listen", $"127.0.0.1:{grpc.ToString(CultureInfo.InvariantCulture)}",
            "--http-listen", $"127.0.0.1:{http.ToString(CultureInfo.InvariantCulture)}",
        ]);
        var offset = LogWatcher.Length(node.LogFile);
        var process = DetachedProcess.Start(command, node.LogFile, fleet.Directory, NodeRuntimeEnvironment.Variables);
        Match ready;
        try
        {
            ready = await LogWatcher.WaitForLineAsync(node.LogFile, offset, ReadyLine(), process, $"Node {node.Name}", StartTimeout, time, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Not in fleet.json yet: nobody else would ever stop it.
            ProcessControl.Kill(process);
            throw;
        }
        return node with
        {
            Process = process,
            GrpcPort = new Uri(ready.Groups["grpc"].Value).Port,
            HttpPort = new Uri(ready.Groups["http"].Value).Port,
        };
    }

    /// <summary>The command line that runs a .NET program: its apphost, or <c>dotnet x.dll</c>.</summary>
    public static List<string> Command(string program) =>
        program.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? ["dotnet", program] : [program];

    /// <summary>True when nobody listens on the port (0 means "any port" and is always free).</summary>
    internal static bool IsFree(int port)
    {
        if (port == 0)
        {
            return true;
        }
        try
        {
            var probe = new TcpListener(IPAddress.Loopback, port);
            probe.Start();
            probe.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"secretfleet-node ready x=(?<x>\d+) grpc=(?<grpc>\S+) http=(?<http>\S+)")]
    internal static partial Regex ReadyLine();
}
