using System.Text.RegularExpressions;
using SecretFleet.Operator.Tests.Support;

namespace SecretFleet.Operator.Tests.Rendering;

/// <summary>
/// Every SecretCluster manifest the repository shows its users: the files under crds/samples and the
/// <c>```yaml</c> blocks of docs/ and README.md that hold a SecretCluster.
/// </summary>
internal static partial class RenderSamples
{
    public static IReadOnlyDictionary<string, string> All()
    {
        var samples = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(RepoPaths.Of("crds", "samples"), "*.yaml"))
        {
            samples[Path.GetRelativePath(RepoPaths.Root, file)] = File.ReadAllText(file);
        }

        var markdown = Directory.GetFiles(RepoPaths.Of("docs"), "*.md").Append(RepoPaths.Of("README.md"));
        foreach (var file in markdown)
        {
            var blocks = YamlBlock().Matches(File.ReadAllText(file)).Select(m => m.Groups["body"].Value).Where(b => b.Contains("kind: SecretCluster", StringComparison.Ordinal)).ToList();
            for (var i = 0; i < blocks.Count; i++)
            {
                samples[$"{Path.GetRelativePath(RepoPaths.Root, file)}#{i + 1}"] = blocks[i];
            }
        }

        return samples;
    }

    [GeneratedRegex("^```ya?ml\\n(?<body>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex YamlBlock();
}
