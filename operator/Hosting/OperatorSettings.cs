using Microsoft.Extensions.Configuration;
using SecretFleet.Core.Configuration;

namespace SecretFleet.Operator.Hosting;

/// <summary>
/// The flags of <c>run</c> as given, bound from configuration (flags over SECRETFLEET_* variables, see
/// <see cref="OperatorFlags"/>), and the one validation that turns them into <see cref="OperatorOptions"/>.
/// Kept as text so that each bad value gets a message naming the flag or variable it came from, not the binder's type error.
/// </summary>
internal sealed class OperatorSettings
{
    private IConfigurationRoot? _configuration;

    public string? Kubeconfig { get; set; }

    public string? Context { get; set; }

    public string? Namespace { get; set; }

    [ConfigurationKeyName("NODE_IMAGE")]
    public string? NodeImage { get; set; }

    [ConfigurationKeyName("ALLOWED_NODE_IMAGES")]
    public string? AllowedNodeImages { get; set; }

    [ConfigurationKeyName("OPERATOR_NAMESPACE")]
    public string? OperatorNamespace { get; set; }

    [ConfigurationKeyName("NODE_METRICS_NAMESPACE")]
    public string? NodeMetricsNamespace { get; set; }

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

        return From(OperatorFlags.All.AddTo(new ConfigurationBuilder(), arguments).Build()).ToOptions();
    }

    /// <param name="configuration">What <see cref="CommandLineFlags.AddTo"/> filled; it also tells which values came from the environment.</param>
    public static OperatorSettings From(IConfigurationRoot configuration)
    {
        var settings = configuration.Get<OperatorSettings>() ?? new OperatorSettings();
        settings._configuration = configuration;
        return settings;
    }

    /// <summary>Validates every setting; the first bad one throws, naming its flag or variable and what to give.</summary>
    /// <exception cref="OperatorConfigurationException">A setting the operator cannot use.</exception>
    public OperatorOptions ToOptions()
    {
        try
        {
            return Validate();
        }
        catch (ConfigurationValueException e)
        {
            throw new OperatorConfigurationException(e.Message, e);
        }
    }

    private OperatorOptions Validate()
    {
        var defaults = new OperatorOptions();
        var options = new OperatorOptions
        {
            Kubeconfig = NonEmpty("kubeconfig", Kubeconfig),
            Context = NonEmpty("context", Context),
            Namespace = Namespace,
            NodeImage = NonEmpty("node-image", NodeImage) ?? defaults.NodeImage,
            AllowedNodeImages = AllowedNodeImages is null ? defaults.AllowedNodeImages : NodeImageList.Parse(NameOf("allowed-node-images"), AllowedNodeImages),
            OperatorNamespace = NonEmpty("operator-namespace", OperatorNamespace),
            NodeMetricsNamespace = NonEmpty("node-metrics-namespace", NodeMetricsNamespace),
            LeaderElect = LeaderElect is null ? defaults.LeaderElect : ConfigurationValue.Boolean(NameOf("leader-elect"), LeaderElect),
            LeaseName = NonEmpty("lease-name", LeaseName) ?? defaults.LeaseName,
            LeaseNamespace = NonEmpty("lease-namespace", LeaseNamespace),
            MetricsListen = MetricsListen ?? defaults.MetricsListen,
            HealthListen = HealthListen ?? defaults.HealthListen,
            Workers = Workers is null ? defaults.Workers : ConfigurationValue.Integer(NameOf("workers"), Workers, 1, 64),
            LogLevel = LogLevel is null ? defaults.LogLevel : ConfigurationValue.LogLevel(NameOf("log-level"), LogLevel),
        };

        // Fail on bad addresses now, naming what was typed, not when the host starts.
        ListenAddress.Parse(options.MetricsListen, NameOf("metrics-listen"));
        ListenAddress.Parse(options.HealthListen, NameOf("health-listen"));
        return options;
    }

    /// <summary>What the user typed to give <paramref name="flag"/>'s value: <c>--flag</c>, or its SECRETFLEET_* variable.</summary>
    private string NameOf(string flag) => _configuration is null ? "--" + flag : OperatorFlags.All.NameOf(_configuration, flag);

    private string? NonEmpty(string flag, string? value) =>
        value is null or { Length: > 0 } ? value : throw new OperatorConfigurationException($"{NameOf(flag)} needs a non-empty value.");
}
