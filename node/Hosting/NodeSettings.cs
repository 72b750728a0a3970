using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using SecretFleet.Core.Configuration;
using SecretFleet.Core.Identity;

namespace SecretFleet.Node.Hosting;

/// <summary>
/// The node's settings as given, bound from configuration (flags over SECRETFLEET_* variables, see
/// <see cref="NodeFlags"/>), and the one validation that turns them into <see cref="NodeOptions"/>.
/// Kept as text so that each bad value gets a message naming the flag or variable it came from, not the binder's type error.
/// </summary>
internal sealed partial class NodeSettings
{
    private IConfigurationRoot? _configuration;

    public string? Cluster { get; set; }

    public string? Ordinal { get; set; }

    [ConfigurationKeyName("ORDINAL_FROM_HOSTNAME")]
    public string? OrdinalFromHostname { get; set; }

    public string? Threshold { get; set; }

    [ConfigurationKeyName("DATA_DIR")]
    public string? DataDir { get; set; }

    [ConfigurationKeyName("TLS_DIR")]
    public string? TlsDir { get; set; }

    [ConfigurationKeyName("KEY_FILE")]
    public string? KeyFile { get; set; }

    [ConfigurationKeyName("KEY_DIR")]
    public string? KeyDir { get; set; }

    public string? Listen { get; set; }

    [ConfigurationKeyName("HTTP_LISTEN")]
    public string? HttpListen { get; set; }

    [ConfigurationKeyName("MAX_SECRET_BYTES")]
    public string? MaxSecretBytes { get; set; }

    [ConfigurationKeyName("OPERATOR_NAME")]
    public string? OperatorName { get; set; }

    [ConfigurationKeyName("TLS_RELOAD_SECONDS")]
    public string? TlsReloadSeconds { get; set; }

    /// <summary>SECRETFLEET_LOG_LEVEL (no flag): trace, debug, information (default), warning, error, critical or none.</summary>
    [ConfigurationKeyName("LOG_LEVEL")]
    public string? LogLevel { get; set; }

    /// <param name="configuration">What <see cref="CommandLineFlags.AddTo"/> filled; it also tells which values came from the environment.</param>
    public static NodeSettings From(IConfigurationRoot configuration)
    {
        var settings = configuration.Get<NodeSettings>() ?? new NodeSettings();
        settings._configuration = configuration;
        return settings;
    }

    /// <summary>Validates every setting; the first bad one throws, naming its flag or variable and what to give.</summary>
    /// <param name="hostname">HOSTNAME, for --ordinal-from-hostname.</param>
    /// <exception cref="NodeConfigurationException">A setting is missing or not usable.</exception>
    public NodeOptions ToOptions(string? hostname)
    {
        try
        {
            return Validate(hostname);
        }
        catch (ConfigurationValueException e)
        {
            throw new NodeConfigurationException(e.Message, e);
        }
    }

    private NodeOptions Validate(string? hostname)
    {
        // An empty switch is no switch, as an empty required setting is a missing one.
        var ordinal = OrdinalFromHostname is { Length: > 0 } && ConfigurationValue.Boolean(NameOf("ordinal-from-hostname"), OrdinalFromHostname)
            ? OrdinalOf(hostname)
            : ConfigurationValue.Integer(NameOf("ordinal"), Required("ordinal", Ordinal), 0, 254);
        var threshold = ConfigurationValue.Integer(NameOf("threshold"), Required("threshold", Threshold), 1, 255);
        return new NodeOptions
        {
            Cluster = Required("cluster", Cluster),
            Ordinal = ordinal,
            Threshold = threshold,
            DataDirectory = Required("data-dir", DataDir),
            TlsDirectory = Required("tls-dir", TlsDir),
            KeyFile = KeyFile is { Length: > 0 }
                ? KeyFile
                : KeyDir is { Length: > 0 }
                    ? Path.Combine(KeyDir, $"node-{ordinal}.key")
                    : throw new NodeConfigurationException("--key-file or --key-dir is required (or SECRETFLEET_KEY_FILE / SECRETFLEET_KEY_DIR)."),
            GrpcEndpoint = Endpoint(NameOf("listen"), Listen ?? "0.0.0.0:7443"),
            HttpEndpoint = Endpoint(NameOf("http-listen"), HttpListen ?? "0.0.0.0:8080"),
            MaxSecretBytes = ConfigurationValue.Integer(NameOf("max-secret-bytes"), MaxSecretBytes ?? "65536", 1, 16 * 1024 * 1024),
            OperatorName = Operator(NameOf("operator-name"), OperatorName ?? NodeOptions.DefaultOperatorName),
            TlsReloadInterval = TimeSpan.FromSeconds(ConfigurationValue.Integer(NameOf("tls-reload-seconds"), TlsReloadSeconds ?? "30", 1, 3600)),
            LogLevel = LogLevel is null ? Microsoft.Extensions.Logging.LogLevel.Information : ConfigurationValue.LogLevel(NameOf("log-level"), LogLevel),
        };
    }

    /// <summary>What the user typed to give <paramref name="flag"/>'s value: <c>--flag</c>, or its SECRETFLEET_* variable.</summary>
    private string NameOf(string flag) => _configuration is null ? "--" + flag : NodeFlags.All.NameOf(_configuration, flag);

    private static string Required(string flag, string? value) => value is { Length: > 0 }
        ? value
        : throw new NodeConfigurationException($"--{flag} is required (or {NodeFlags.All.EnvironmentVariable(flag)}).");

    private static string Operator(string setting, string name) =>
        FleetIdentity.TryParse($"spiffe://validation.local/operator/{name}", out _)
            ? name
            : throw new NodeConfigurationException($"{setting} '{name}' is not a valid identity name: use letters, digits, '.', '-' or '_'.");

    private static IPEndPoint Endpoint(string setting, string text) =>
        IPEndPoint.TryParse(text, out var endpoint) && text.Contains(':', StringComparison.Ordinal)
            ? endpoint
            : throw new NodeConfigurationException($"{setting} '{text}' must be IP:PORT, e.g. 0.0.0.0:7443 (port 0 picks a free one).");

    private int OrdinalOf(string? hostname)
    {
        var match = hostname is null ? null : TrailingOrdinal().Match(hostname);
        return match is { Success: true }
            ? ConfigurationValue.Integer(NameOf("ordinal-from-hostname"), match.Groups[1].Value, 0, 254)
            : throw new NodeConfigurationException($"--ordinal-from-hostname: HOSTNAME '{hostname}' does not end in -N (a StatefulSet pod name).");
    }

    [GeneratedRegex(@"-(\d+)$")]
    private static partial Regex TrailingOrdinal();
}
