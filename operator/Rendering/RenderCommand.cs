using k8s;
using k8s.Models;
using SecretFleet.Operator.Hosting;

namespace SecretFleet.Operator.Rendering;

/// <summary>
/// <c>secretfleet-operator render</c>: prints, offline, every object the operator would create for the SecretClusters
/// in a manifest. It reads the manifest, lets <see cref="SecretClusterManifest"/> judge each document, calls the
/// operator's spec builders (<see cref="FleetObjects"/>) and prints; on any problem it prints one line on standard
/// error and nothing on standard output.
/// </summary>
internal static class RenderCommand
{
    public const int Printed = 0;

    public const int Failed = 1;

    /// <summary>Bad flags or a manifest the operator would refuse: the operator's exit code for bad configuration.</summary>
    public const int BadInput = 2;

    public static int Run(IReadOnlyList<string> args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(stdin);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        RenderArguments arguments;
        try
        {
            arguments = RenderArguments.Parse(args);
        }
        catch (OperatorConfigurationException e)
        {
            stderr.WriteLine($"secretfleet-operator: {e.Message}");
            return BadInput;
        }

        var source = arguments.File == "-" ? "<stdin>" : arguments.File;
        string text;
        try
        {
            text = arguments.File == "-" ? stdin.ReadToEnd() : File.ReadAllText(arguments.File);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            stderr.WriteLine($"secretfleet-operator: render: cannot read {source}: no such file.");
            return BadInput;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"secretfleet-operator: render: cannot read {source}: {e.Message}");
            return BadInput;
        }

        var (objects, problem) = Render(text, arguments);
        if (problem is not null)
        {
            stderr.WriteLine($"secretfleet-operator: render: {source}: {problem}");
            return BadInput;
        }

        try
        {
            stdout.Write(RenderOutput.Write(objects, arguments.Format));
            stdout.Flush();
            return Printed;
        }
        catch (IOException e)
        {
            stderr.WriteLine($"secretfleet-operator: render: cannot write the output: {e.Message}");
            return Failed;
        }
    }

    /// <summary>The objects for every SecretCluster in <paramref name="text"/>, or the first problem (prefixed with its document when there are several).</summary>
    public static (IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Objects, string? Problem) Render(string text, RenderArguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var (documents, unreadable) = ManifestReader.Parse(text);
        if (unreadable is not null)
        {
            return ([], unreadable.ToString());
        }

        // Empty documents (a leading or trailing ---) are not SecretClusters that failed, just nothing.
        var given = documents.Where(d => d.Content is not null).ToList();
        if (given.Count == 0)
        {
            return ([], "holds no SecretCluster");
        }

        var objects = new List<IKubernetesObject<V1ObjectMeta>>();
        foreach (var document in given)
        {
            var (cluster, problem) = SecretClusterManifest.Read(document.Content, arguments.Namespace);
            if (problem is not null)
            {
                return ([], documents.Count > 1 ? $"document {document.Number}: {problem}" : problem.ToString());
            }

            objects.AddRange(FleetObjects.Build(cluster!, arguments.NodeImages, arguments.NetworkPeers));
        }

        return (objects, null);
    }
}
