using System.Globalization;
using Microsoft.Extensions.Logging;

namespace SecretFleet.Operator.Hosting;

/// <summary>A parsed command line: what to do and with which options.</summary>
internal sealed record OperatorCommand(string Verb, OperatorOptions Options, string? Directory);

/// <summary>The command line of <c>secretfleet-operator</c>. Errors name the flag and say what to give.</summary>
internal static class OperatorArguments
{
    public const string Usage = """
        secretfleet-operator: runs SecretFleet fleets (SecretClusters) on Kubernetes.

        Usage:
          secretfleet-operator [run] [flags]          reconcile SecretClusters until SIGTERM
          secretfleet-operator generate-crds DIR      write the CustomResourceDefinitions into DIR
          secretfleet-operator version                print the version

        Flags of run:
          --kubeconfig FILE        kubeconfig to use (default: KUBECONFIG, in-cluster, ~/.kube/config)
          --context NAME           kubeconfig context (default: the current one)
          --namespace NS           watch only this namespace (default: all namespaces)
          --node-image IMAGE       node image for SecretClusters without spec.image
                                   (default: ghcr.io/secretfleet/node:<operator version>)
          --leader-elect[=BOOL]    hold a Lease before reconciling (default: false)
          --lease-name NAME        the Lease (default: secretfleet-operator)
          --lease-namespace NS     its namespace (default: the operator's own, or the kubeconfig's)
          --metrics-listen IP:PORT /metrics (default 0.0.0.0:8080; empty turns it off)
          --health-listen IP:PORT  /healthz and /readyz (default 0.0.0.0:8081; empty turns it off)
          --workers N              SecretClusters reconciled at once (default 4)
          --log-level LEVEL        trace, debug, information, warning, error (default information)

        Exit codes: 0 stopped by SIGTERM/Ctrl-C, 1 stopped on a failure (e.g. the leader lease was lost), 2 bad flags or configuration.
        """;

    public static OperatorCommand Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Any(a => a is "--help" or "-h"))
        {
            return new OperatorCommand("help", new OperatorOptions(), null);
        }

        var verb = args.Count > 0 && !args[0].StartsWith('-') ? args[0] : "run";
        var rest = args.Count > 0 && !args[0].StartsWith('-') ? args.Skip(1).ToList() : [.. args];
        switch (verb)
        {
            case "run":
                return new OperatorCommand(verb, ParseRun(rest), null);
            case "generate-crds":
                return rest.Count == 1 && !rest[0].StartsWith('-')
                    ? new OperatorCommand(verb, new OperatorOptions(), rest[0])
                    : throw new OperatorConfigurationException("generate-crds takes one argument, the directory to write into (e.g. generate-crds crds).");
            case "version" or "help":
                return rest.Count == 0
                    ? new OperatorCommand(verb, new OperatorOptions(), null)
                    : throw new OperatorConfigurationException($"{verb} takes no arguments.");
            default:
                throw new OperatorConfigurationException($"Unknown command '{verb}'; use run, generate-crds or version (see --help).");
        }
    }

    private static OperatorOptions ParseRun(IReadOnlyList<string> args)
    {
        var options = new OperatorOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) && arg != "-n")
            {
                throw new OperatorConfigurationException($"Unexpected argument '{arg}'; flags look like --namespace NS (see --help).");
            }

            var name = arg == "-n" ? "namespace" : arg[2..];
            string? inline = null;
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                inline = name[(equals + 1)..];
                name = name[..equals];
            }

            if (name == "leader-elect")
            {
                options = options with { LeaderElect = Boolean(inline ?? "true") };
                continue;
            }

            string Value() => inline ?? (i + 1 < args.Count ? args[++i] : throw new OperatorConfigurationException($"--{name} needs a value."));
            options = name switch
            {
                "kubeconfig" => options with { Kubeconfig = NonEmpty(name, Value()) },
                "context" => options with { Context = NonEmpty(name, Value()) },
                "namespace" => options with { Namespace = Value() },
                "node-image" => options with { NodeImage = NonEmpty(name, Value()) },
                "lease-name" => options with { LeaseName = NonEmpty(name, Value()) },
                "lease-namespace" => options with { LeaseNamespace = NonEmpty(name, Value()) },
                "metrics-listen" => options with { MetricsListen = Value() },
                "health-listen" => options with { HealthListen = Value() },
                "workers" => options with { Workers = Workers(Value()) },
                "log-level" => options with { LogLevel = Level(Value()) },
                _ => throw new OperatorConfigurationException($"Unknown flag --{name} (see --help)."),
            };
        }

        // Fail on bad addresses now, with the flag's name, not when the host starts.
        ListenAddress.Parse(options.MetricsListen, "--metrics-listen");
        ListenAddress.Parse(options.HealthListen, "--health-listen");
        return options;
    }

    private static string NonEmpty(string flag, string value) =>
        value.Length > 0 ? value : throw new OperatorConfigurationException($"--{flag} needs a non-empty value.");

    private static bool Boolean(string text) => text.ToLowerInvariant() switch
    {
        "true" or "1" or "yes" => true,
        "false" or "0" or "no" => false,
        _ => throw new OperatorConfigurationException($"--leader-elect '{text}' must be true or false."),
    };

    private static int Workers(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var workers) && workers is >= 1 and <= 64
            ? workers
            : throw new OperatorConfigurationException($"--workers '{text}' must be a whole number from 1 to 64.");

    private static LogLevel Level(string text) => text.ToLowerInvariant() switch
    {
        "trace" => LogLevel.Trace,
        "debug" => LogLevel.Debug,
        "info" or "information" => LogLevel.Information,
        "warn" or "warning" => LogLevel.Warning,
        "error" => LogLevel.Error,
        "critical" => LogLevel.Critical,
        "none" => LogLevel.None,
        _ => throw new OperatorConfigurationException($"--log-level '{text}' must be trace, debug, information, warning, error, critical or none."),
    };
}
