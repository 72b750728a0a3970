using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using SecretFleet.Core.Identity;

namespace SecretFleet.Node.Hosting;

/// <summary>
/// Reads node settings from <c>--flag value</c> arguments, falling back to SECRETFLEET_* environment
/// variables (how a StatefulSet passes them). Each error names the flag and says what to give.
/// </summary>
internal static partial class NodeOptionsParser
{
    public const string Usage = """
        secretfleet-node: holds one share of every secret of a SecretFleet fleet.

          --cluster NAME          fleet name (SECRETFLEET_CLUSTER)
          --ordinal N             StatefulSet ordinal, 0..254; x = N + 1 (SECRETFLEET_ORDINAL);
                                  or --ordinal-from-hostname to read it from HOSTNAME (name-N)
          --threshold T           the fleet's threshold (SECRETFLEET_THRESHOLD)
          --data-dir PATH         share database directory (SECRETFLEET_DATA_DIR)
          --tls-dir PATH          tls.crt, tls.key, ca.crt (SECRETFLEET_TLS_DIR)
          --key-file PATH         32-byte node key, raw or base64 (SECRETFLEET_KEY_FILE); or
          --key-dir PATH          a directory holding node-<ordinal>.key (SECRETFLEET_KEY_DIR)
          --listen IP:PORT        gRPC over mTLS, default 0.0.0.0:7443 (SECRETFLEET_LISTEN)
          --http-listen IP:PORT   /healthz /readyz /metrics, default 0.0.0.0:8080 (SECRETFLEET_HTTP_LISTEN)
          --max-secret-bytes N    largest secret accepted, default 65536 (SECRETFLEET_MAX_SECRET_BYTES)
          --operator-name NAME    the operator whose epoch changes this node follows:
                                  spiffe://<this node's trust domain>/operator/NAME,
                                  default secretfleet-operator (SECRETFLEET_OPERATOR_NAME)
        """;

    private static readonly HashSet<string> KnownFlags =
    [
        "cluster", "ordinal", "ordinal-from-hostname", "threshold", "data-dir", "tls-dir", "key-file", "key-dir",
        "listen", "http-listen", "max-secret-bytes", "operator-name",
    ];

    public static NodeOptions Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        var flags = ReadFlags(args);
        string? Get(string flag) => flags.TryGetValue(flag, out var value) ? value : environment("SECRETFLEET_" + flag.Replace('-', '_').ToUpperInvariant());
        string Required(string flag) => Get(flag) is { Length: > 0 } value
            ? value
            : throw new NodeConfigurationException($"--{flag} is required (or SECRETFLEET_{flag.Replace('-', '_').ToUpperInvariant()}).");

        var ordinal = flags.ContainsKey("ordinal-from-hostname")
            ? OrdinalFromHostname(environment("HOSTNAME"))
            : Integer("ordinal", Required("ordinal"), 0, 254);
        var threshold = Integer("threshold", Required("threshold"), 1, 255);
        return new NodeOptions
        {
            Cluster = Required("cluster"),
            Ordinal = ordinal,
            Threshold = threshold,
            DataDirectory = Required("data-dir"),
            TlsDirectory = Required("tls-dir"),
            KeyFile = Get("key-file") is { Length: > 0 } keyFile
                ? keyFile
                : Get("key-dir") is { Length: > 0 } keyDir
                    ? Path.Combine(keyDir, $"node-{ordinal}.key")
                    : throw new NodeConfigurationException("--key-file or --key-dir is required (or SECRETFLEET_KEY_FILE / SECRETFLEET_KEY_DIR)."),
            GrpcEndpoint = Endpoint("listen", Get("listen") ?? "0.0.0.0:7443"),
            HttpEndpoint = Endpoint("http-listen", Get("http-listen") ?? "0.0.0.0:8080"),
            MaxSecretBytes = Integer("max-secret-bytes", Get("max-secret-bytes") ?? "65536", 1, 16 * 1024 * 1024),
            OperatorName = OperatorName(Get("operator-name") ?? NodeOptions.DefaultOperatorName),
        };
    }

    private static Dictionary<string, string> ReadFlags(IReadOnlyList<string> args)
    {
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new NodeConfigurationException($"Unexpected argument '{arg}'; flags look like --data-dir PATH (see --help).");
            }
            var name = arg[2..];
            string value;
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }
            else if (name == "ordinal-from-hostname")
            {
                value = "true";
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }
            else
            {
                throw new NodeConfigurationException($"--{name} needs a value.");
            }
            if (!KnownFlags.Contains(name))
            {
                throw new NodeConfigurationException($"Unknown flag --{name}; see --help for the flags a node takes.");
            }
            flags[name] = value;
        }
        return flags;
    }

    private static string OperatorName(string name) =>
        FleetIdentity.TryParse($"spiffe://validation.local/operator/{name}", out _)
            ? name
            : throw new NodeConfigurationException($"--operator-name '{name}' is not a valid identity name: use letters, digits, '.', '-' or '_'.");

    private static int Integer(string flag, string text, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new NodeConfigurationException($"--{flag} '{text}' must be a whole number from {min} to {max}.");

    private static IPEndPoint Endpoint(string flag, string text) =>
        IPEndPoint.TryParse(text, out var endpoint) && text.Contains(':', StringComparison.Ordinal)
            ? endpoint
            : throw new NodeConfigurationException($"--{flag} '{text}' must be IP:PORT, e.g. 0.0.0.0:7443 (port 0 picks a free one).");

    private static int OrdinalFromHostname(string? hostname)
    {
        var match = hostname is null ? null : TrailingOrdinal().Match(hostname);
        return match is { Success: true }
            ? Integer("ordinal-from-hostname", match.Groups[1].Value, 0, 254)
            : throw new NodeConfigurationException($"--ordinal-from-hostname: HOSTNAME '{hostname}' does not end in -N (a StatefulSet pod name).");
    }

    [GeneratedRegex(@"-(\d+)$")]
    private static partial Regex TrailingOrdinal();
}
