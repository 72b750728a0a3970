using System.Text.RegularExpressions;
using SecretFleet.Core.Configuration;
using SecretFleet.Operator.Tests.Support;

namespace SecretFleet.Operator.Tests.Hosting;

/// <summary>
/// No Docker engine can build images here, so the Dockerfiles are checked for what can go wrong silently:
/// sources that do not exist or that .dockerignore drops, the base images, the user and the entry point.
/// </summary>
[Trait("Category", "Unit")]
public sealed partial class DockerfileTests
{
    public static TheoryData<string, string, string> Images() => new()
    {
        { "node/Dockerfile", "node/SecretFleet.Node.csproj", "mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION}" },
        { "operator/Dockerfile", "operator/SecretFleet.Operator.csproj", "mcr.microsoft.com/dotnet/runtime-deps:${DOTNET_VERSION}" },
    };

    public static TheoryData<string> Dockerfiles() => ["node/Dockerfile", "operator/Dockerfile"];

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Every_copied_source_exists_and_survives_dockerignore(string dockerfile)
    {
        var ignored = File.ReadAllLines(RepoPaths.Of(".dockerignore"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.TrimEnd('/').Replace("**/", "", StringComparison.Ordinal))
            .ToList();
        foreach (var line in Lines(dockerfile).Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from", StringComparison.Ordinal)))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1];
            foreach (var source in parts)
            {
                var path = source.TrimEnd('/');
                Assert.True(File.Exists(RepoPaths.Of(path)) || Directory.Exists(RepoPaths.Of(path)), $"{dockerfile}: COPY {source} does not exist");
                Assert.DoesNotContain(path.Split('/')[0], ignored);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Builds_on_the_dotnet_10_sdk_and_runs_non_root_as_its_assembly(string dockerfile, string project, string runtimeImage)
    {
        var lines = Lines(dockerfile);
        var froms = lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        Assert.Contains("ARG DOTNET_VERSION=10.0", lines);
        Assert.StartsWith("FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build", froms[0], StringComparison.Ordinal);
        Assert.Equal($"FROM {runtimeImage}", froms[^1]);
        var final = lines.SkipWhile(l => l != froms[^1]).ToList();
        Assert.Contains("USER 65532:65532", final);
        var assembly = AssemblyName().Match(File.ReadAllText(RepoPaths.Of(project))).Groups[1].Value;
        Assert.Contains($"ENTRYPOINT [\"{assembly}\"]", final);
        Assert.Contains(lines, l => l.StartsWith($"RUN dotnet publish {project} -c Release", StringComparison.Ordinal));
    }

    [Fact]
    public void The_node_image_sets_the_runtime_environment_every_node_launcher_sets()
    {
        var final = Lines("node/Dockerfile").SkipWhile(l => !l.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet", StringComparison.Ordinal)).ToList();
        var settings = final.Where(l => l.StartsWith("ENV ", StringComparison.Ordinal)).SelectMany(l => l[4..].Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();

        Assert.All(NodeRuntimeEnvironment.Variables, v => Assert.Contains($"{v.Key}={v.Value}", settings));
    }

    private static List<string> Lines(string dockerfile)
    {
        // Continuation lines are joined, as docker reads them.
        var text = File.ReadAllText(RepoPaths.Of(dockerfile)).Replace("\\\n", " ", StringComparison.Ordinal);
        return [.. text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))];
    }

    [GeneratedRegex("<AssemblyName>([^<]+)</AssemblyName>")]
    private static partial Regex AssemblyName();
}
