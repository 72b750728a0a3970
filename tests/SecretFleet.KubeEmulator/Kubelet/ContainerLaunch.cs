using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// Turns a container of a pod into a process: images matching <c>*secretfleet*node*</c> run the secretfleet-node
/// binary; other images cannot run here. What a container would see at its own paths and in its own network namespace
/// is remapped: every argument or environment value that starts with a volume's mount path is rewritten to the
/// volume's directory, and one that starts with a wildcard or loopback listen address (<c>0.0.0.0:</c>,
/// <c>127.0.0.1:</c>, <c>localhost:</c>, <c>[::]:</c>) to the pod's own IP, so fixed ports never clash between pods.
/// </summary>
internal static partial class ContainerLaunch
{
    public const string NodeExecutable = "secretfleet-node";
    private static readonly string[] ListenPrefixes = ["0.0.0.0:", "127.0.0.1:", "localhost:", "[::]:", "[::1]:"];

    public static bool RunsHere(string? image) => image is not null && NodeImage().IsMatch(image);

    public static LaunchResult Build(LaunchContext context)
    {
        var container = context.Container;
        var name = Json.String(container["name"]) ?? "";
        var image = Json.String(container["image"]);
        if (!RunsHere(image))
        {
            return LaunchResult.Fail("ErrImagePull",
                $"the emulated kubelet runs only SecretFleet node images (*secretfleet*node*); image \"{image}\" of container \"{name}\" cannot run here");
        }

        var mounts = new List<(string MountPath, string HostPath)>();
        foreach (var mount in (container["volumeMounts"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var volume = Json.String(mount["name"]) ?? "";
            if (!context.VolumePaths.TryGetValue(volume, out var hostPath))
            {
                return LaunchResult.Fail("CreateContainerConfigError", $"container \"{name}\" mounts volume \"{volume}\", which the pod does not declare");
            }

            if (Json.String(mount["subPath"]) is { Length: > 0 } subPath)
            {
                hostPath = Path.Combine(hostPath, subPath);
                Directory.CreateDirectory(hostPath);
            }

            mounts.Add(((Json.String(mount["mountPath"]) ?? "/").TrimEnd('/'), hostPath));
        }

        mounts.Sort((a, b) => b.MountPath.Length.CompareTo(a.MountPath.Length));
        var (environment, error) = ContainerEnvironment.Build(context);
        if (error is not null)
        {
            return LaunchResult.Fail("CreateContainerConfigError", error);
        }

        var command = Strings(container["command"]);
        var arguments = Strings(container["args"]);
        if (command.Count > 0 && Path.GetFileName(command[0]) != NodeExecutable)
        {
            return LaunchResult.Fail("StartError",
                $"exec: \"{command[0]}\": executable file not found in $PATH (the emulated node image holds only {NodeExecutable})");
        }

        var argv = command.Skip(1).Concat(arguments).Select(a => Rewrite(ContainerEnvironment.Expand(a, environment!), mounts, context.PodIp)).ToList();
        var finalEnvironment = new Dictionary<string, string>(context.HostEnvironment, StringComparer.Ordinal);
        foreach (var (key, value) in environment!)
        {
            finalEnvironment[key] = Rewrite(value, mounts, context.PodIp);
        }

        var workingDirectory = Json.String(container["workingDir"]) is { Length: > 0 } wd ? Rewrite(wd, mounts, context.PodIp) : context.PodDirectory;
        return LaunchResult.Ok(new LaunchPlan(context.NodeBinary, argv, finalEnvironment, Directory.Exists(workingDirectory) ? workingDirectory : context.PodDirectory));
    }

    /// <summary>Rewrites a value (or the value part of <c>--flag=value</c>) that starts with a mount path or a listen address.</summary>
    public static string Rewrite(string value, IReadOnlyList<(string MountPath, string HostPath)> mounts, string podIp)
    {
        var prefix = "";
        if (value.StartsWith("--", StringComparison.Ordinal) && value.IndexOf('=', StringComparison.Ordinal) is var equals and > 0)
        {
            prefix = value[..(equals + 1)];
            value = value[(equals + 1)..];
        }

        foreach (var (mountPath, hostPath) in mounts)
        {
            if (value == mountPath || value.StartsWith(mountPath + "/", StringComparison.Ordinal) || mountPath.Length == 0 && value.StartsWith('/'))
            {
                return prefix + hostPath + value[mountPath.Length..];
            }
        }

        foreach (var listen in ListenPrefixes)
        {
            if (value.StartsWith(listen, StringComparison.Ordinal))
            {
                return prefix + podIp + ":" + value[listen.Length..];
            }
        }

        return prefix + value;
    }

    private static List<string> Strings(JsonNode? node) =>
        [.. (node as JsonArray ?? []).Select(n => Json.String(n) ?? "")];

    [GeneratedRegex("secretfleet.*node", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NodeImage();
}
