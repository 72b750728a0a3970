using System.Diagnostics;

namespace SecretFleet.Kube.Tests.Support;

/// <summary>Runs a node script with the npm test peers on its module path.</summary>
internal static class NodeRunner
{
    public static async Task<string> RunAsync(string script, string stdin, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(Path.Combine(RepoPaths.PeersNodeModules, "kubernetes-models")))
        {
            Assert.Fail($"The npm test peers are missing in {RepoPaths.PeersNodeModules}: run `make deps` (or `npm ci` in tests/peers).");
        }

        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        start.Environment["NODE_PATH"] = RepoPaths.PeersNodeModules;
        using var process = Process.Start(start)!;
        try
        {
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.StandardInput.WriteAsync(stdin.AsMemory(), cancellationToken);
            process.StandardInput.Close();
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(TimeSpan.FromMinutes(1));
            await process.WaitForExitAsync(deadline.Token);
            Assert.True(process.ExitCode == 0, $"node {script} failed: {await errors}");
            return await output;
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
