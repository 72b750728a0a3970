using SecretFleet.Operator.Hosting;
using SecretFleet.Operator.Reconciliation;
using SecretFleet.Operator.Specs;

namespace SecretFleet.Operator.Rendering;

/// <summary>
/// The arguments of <c>secretfleet-operator render</c>: <c>-f FILE|-</c>, <c>-o yaml|json</c>, <c>-n NS</c>, and the run
/// flags that change what the operator creates: <c>--node-image IMAGE</c>, <c>--allowed-node-images LIST</c>,
/// <c>--operator-namespace NS</c>, <c>--node-metrics-namespace NS</c>.
/// </summary>
/// <param name="File">The manifest, or <c>-</c> for standard input.</param>
/// <param name="Format">How to print.</param>
/// <param name="Namespace">The namespace for a manifest without one (null: <see cref="SecretClusterManifest.DefaultNamespace"/>).</param>
/// <param name="NodeImage">The operator's --node-image: what a SecretCluster without spec.image runs.</param>
internal sealed record RenderArguments(string File, RenderFormat Format, string? Namespace, string NodeImage)
{
    /// <summary>Where the docs install the operator: the namespace render assumes without --operator-namespace.</summary>
    public const string DefaultOperatorNamespace = "secretfleet-system";

    /// <summary>The operator's --allowed-node-images.</summary>
    public IReadOnlyList<string> AllowedNodeImages { get; init; } = [];

    /// <summary>The operator's --operator-namespace.</summary>
    public string OperatorNamespace { get; init; } = DefaultOperatorNamespace;

    /// <summary>The operator's --node-metrics-namespace; null: <see cref="OperatorNamespace"/>.</summary>
    public string? NodeMetricsNamespace { get; init; }

    public NodeImagePolicy NodeImages => new(NodeImage, AllowedNodeImages);

    public NodeNetworkPeers NetworkPeers => new(OperatorNamespace, NodeMetricsNamespace ?? OperatorNamespace);

    /// <exception cref="OperatorConfigurationException">A missing, repeated, unknown or malformed flag; the message names it.</exception>
    public static RenderArguments Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var (flag, inline) = Split(args[i]);
            var name = flag switch
            {
                "-f" or "--filename" => "filename",
                "-o" or "--output" => "output",
                "-n" or "--namespace" => "namespace",
                "--node-image" => "node-image",
                "--allowed-node-images" => "allowed-node-images",
                "--operator-namespace" => "operator-namespace",
                "--node-metrics-namespace" => "node-metrics-namespace",
                _ when !flag.StartsWith('-') => throw new OperatorConfigurationException($"render takes no argument '{flag}'; give the manifest with -f (see --help)."),
                _ => throw new OperatorConfigurationException($"Unknown flag {flag} for render; it takes -f FILE, -o yaml|json, -n NS, --node-image IMAGE, --allowed-node-images LIST, --operator-namespace NS and --node-metrics-namespace NS (see --help)."),
            };
            var value = inline ?? (i + 1 < args.Count ? args[++i] : throw new OperatorConfigurationException($"{flag} needs a value (see --help)."));
            // An empty allow-list is a list (only the default), as for run.
            if (value.Length == 0 && name != "allowed-node-images")
            {
                throw new OperatorConfigurationException($"{flag} needs a value (see --help).");
            }

            if (!values.TryAdd(name, value))
            {
                throw new OperatorConfigurationException($"{flag} is given twice; render reads one manifest.");
            }
        }

        var file = values.GetValueOrDefault("filename") ?? throw new OperatorConfigurationException("render needs the manifest: -f cluster.yaml (or -f - for standard input).");
        var format = values.GetValueOrDefault("output", "yaml") switch
        {
            "yaml" => RenderFormat.Yaml,
            "json" => RenderFormat.Json,
            var other => throw new OperatorConfigurationException($"-o {other} is not a format render prints; use -o yaml or -o json."),
        };
        return new RenderArguments(file, format, values.GetValueOrDefault("namespace"), values.GetValueOrDefault("node-image") ?? OperatorVersion.DefaultNodeImage)
        {
            AllowedNodeImages = values.TryGetValue("allowed-node-images", out var allowed) ? NodeImageList.Parse("--allowed-node-images", allowed) : [],
            OperatorNamespace = values.GetValueOrDefault("operator-namespace") ?? DefaultOperatorNamespace,
            NodeMetricsNamespace = values.GetValueOrDefault("node-metrics-namespace"),
        };
    }

    /// <summary><c>--flag=value</c> into flag and value; <c>-f</c> and <c>--flag</c> alone have no value yet.</summary>
    private static (string Flag, string? Value) Split(string arg)
    {
        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        return arg.StartsWith('-') && equals > 0 ? (arg[..equals], arg[(equals + 1)..]) : (arg, null);
    }
}
