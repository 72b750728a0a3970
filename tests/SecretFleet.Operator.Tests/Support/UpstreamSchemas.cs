using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace SecretFleet.Operator.Tests.Support;

/// <summary>
/// Validates objects against the upstream JSON schemas (npm kubernetes-models and @kubernetes-models/cert-manager)
/// through tests/tools/validate-k8s.js: one node process per call, one JSON line per object.
/// </summary>
internal static class UpstreamSchemas
{
    /// <summary>Per object: whether an upstream model exists, and its errors ("path: message").</summary>
    public static async Task<IReadOnlyList<(bool Known, IReadOnlyList<string> Errors)>> ValidateAsync(IReadOnlyList<JsonObject> objects)
    {
        if (!Directory.Exists(Path.Combine(RepoPaths.PeersNodeModules, "kubernetes-models")))
        {
            Assert.Fail($"The npm test peers are missing in {RepoPaths.PeersNodeModules}: run `make deps` (or `npm ci` in tests/peers).");
        }

        var input = new StringBuilder();
        for (var i = 0; i < objects.Count; i++)
        {
            var request = new JsonObject
            {
                ["id"] = i,
                ["apiVersion"] = objects[i]["apiVersion"]?.DeepClone(),
                ["kind"] = objects[i]["kind"]?.DeepClone(),
                ["object"] = objects[i].DeepClone(),
            };
            input.Append(request.ToJsonString()).Append('\n');
        }

        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(RepoPaths.Of("tests", "tools", "validate-k8s.js"));
        start.ArgumentList.Add(RepoPaths.Of("tests", "peers"));
        using var process = Process.Start(start)!;
        try
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.StandardInput.WriteAsync(input.ToString());
            process.StandardInput.Close();
            using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await process.WaitForExitAsync(deadline.Token);
            Assert.True(process.ExitCode == 0, $"validate-k8s.js failed: {await errors}");
            var answers = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
            Assert.Equal(objects.Count, answers.Count);
            return [.. answers
                .OrderBy(a => a["id"]!.GetValue<int>())
                .Select(a => (a["known"]!.GetValue<bool>(),
                    (IReadOnlyList<string>)[.. a["errors"]!.AsArray().Select(e => $"{e!["path"]}: {e["message"]}")]))];
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
