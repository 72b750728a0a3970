using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace SecretFleet.Operator.Hosting;

/// <summary>
/// The flags of <c>run</c> as given, bound from configuration (flags over SECRETFLEET_* variables, see
/// <see cref="OperatorFlags"/>), and the one validation that turns them into <see cref="OperatorOptions"/>.
/// Kept as text so that each bad value gets a message naming its flag, not the binder's type error.
/// </summary>
internal sealed class OperatorSettings
{
    public string? Kubeconfig { get; set; }

    public string? Context { get; set; }

    public string? Namespace { get; set; }

    [ConfigurationKeyName("NODE_IMAGE")]
    public string? NodeImage { get; set; }

    [ConfigurationKeyName("LEADER_ELECT")]
    public string? LeaderElect { get; set; }

    [ConfigurationKeyName("LEASE_NAME")]
    public string? LeaseName { get; set; }

    [ConfigurationKeyName("LEASE_NAMESPACE")]
    public string? LeaseNamespace { get; set; }

    [ConfigurationKeyName("METRICS_LISTEN")]
    public string? MetricsListen { get; set; }

    [ConfigurationKeyName("HEALTH_LISTEN")]
    public string? HealthListen { get; set; }

    public string? Workers { get; set; }

    [ConfigurationKeyName("LOG_LEVEL")]
    public string? LogLevel { get; set; }

    /// <summary>Reads the flags of <c>run</c> over the process's SECRETFLEET_* environment variables, and validates them.</summary>
    /// <exception cref="OperatorConfigurationException">A flag is unknown, lacks its value or has a value the operator cannot use.</exception>
    public static OperatorOptions Read(IReadOnlyList<string> runArguments)
    {
        if (!OperatorFlags.All.TryNormalize(runArguments, out var arguments, out var error))
        {
            throw new OperatorConfigurationException(error!);
        }

        var configuration = OperatorFlags.All.AddTo(new ConfigurationBuilder(), arguments).Build();
        return (configuration.Get<OperatorSettings>() ?? new OperatorSettings()).ToOptions();
    }

    /// <summary>Validates every setting; the first bad one throws, naming its flag and what to give.</summary>
    /// <exception cref="OperatorConfigurationException">A setting the operator cannot use.</exception>
    public OperatorOptions ToOptions()
    {
        var defaults = new OperatorOptions();
        var options = new OperatorOptions
        {
            Kubeconfig = NonEmpty("kubeconfig", Kubeconfig),
            Context = NonEmpty("context", Context),
            Namespace = Namespace,
            NodeImage = NonEmpty("node-image", NodeImage) ?? defaults.NodeImage,
            LeaderElect = LeaderElect is null ? defaults.LeaderElect : Boolean(LeaderElect),
            LeaseName = NonEmpty("lease-name", LeaseName) ?? defaults.LeaseName,
            LeaseNamespace = NonEmpty("lease-namespace", LeaseNamespace),
            MetricsListen = MetricsListen ?? defaults.MetricsListen,
            HealthListen = HealthListen ?? defaults.HealthListen,
            Workers = Workers is null ? defaults.Workers : WorkerCount(Workers),
            LogLevel = LogLevel is null ? defaults.LogLevel : Level(LogLevel),
        };

        // Fail on bad addresses now, with the flag's name, not when the host starts.
        ListenAddress.Parse(options.MetricsListen, "--metrics-listen");
        ListenAddress.Parse(options.HealthListen, "--health-listen");
        return options;
    }

    private static string? NonEmpty(string flag, string? value) =>
        value is null or { Length: > 0 } ? value : throw new OperatorConfigurationException($"--{flag} needs a non-empty value.");

    private static bool Boolean(string text) => text.ToLowerInvariant() switch
    {
        "true" or "1" or "yes" => true,
        "false" or "0" or "no" => false,
        _ => throw new OperatorConfigurationException($"--leader-elect '{text}' must be true or false."),
    };

    private static int WorkerCount(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var workers) && workers is >= 1 and <= 64
            ? workers
            : throw new OperatorConfigurationException($"--workers '{text}' must be a whole number from 1 to 64.");

    private static LogLevel Level(string text) => text.ToLowerInvariant() switch
    {
        "trace" => Microsoft.Extensions.Logging.LogLevel.Trace,
        "debug" => Microsoft.Extensions.Logging.LogLevel.Debug,
        "info" or "information" => Microsoft.Extensions.Logging.LogLevel.Information,
        "warn" or "warning" => Microsoft.Extensions.Logging.LogLevel.Warning,
        "error" => Microsoft.Extensions.Logging.LogLevel.Error,
        "critical" => Microsoft.Extensions.Logging.LogLevel.Critical,
        "none" => Microsoft.Extensions.Logging.LogLevel.None,
        _ => throw new OperatorConfigurationException($"--log-level '{text}' must be trace, debug, information, warning, error, critical or none."),
    };
}
