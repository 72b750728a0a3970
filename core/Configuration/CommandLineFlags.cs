using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;

namespace SecretFleet.Core.Configuration;

/// <summary>
/// The flags a program takes and where their values come from, through Microsoft.Extensions.Configuration:
/// environment variables <c>PREFIX + KEY</c> (how a pod spec passes settings), overridden by
/// <c>--flag value</c> or <c>--flag=value</c>. Both land on one key per flag (<see cref="CommandLineFlag.Key"/>).
/// </summary>
/// <remarks>
/// The command-line provider skips what it cannot read (a bare word, a last flag without a value) and takes
/// any flag name, so a typo would silently fall back to a default. <see cref="TryNormalize"/> refuses those
/// first, with one sentence naming the argument, and turns bare switches into <c>--flag=true</c> (the provider
/// would otherwise take the next argument as the switch's value).
/// </remarks>
public sealed class CommandLineFlags
{
    private readonly Dictionary<string, CommandLineFlag> _byArgument = new(StringComparer.Ordinal);
    private readonly string _example;
    private readonly string _unknownFlagHint;

    /// <param name="environmentPrefix">E.g. <c>SECRETFLEET_</c>.</param>
    /// <param name="flags">Every flag the program takes.</param>
    /// <param name="example">A flag as the user would type it, for the error about a bare word: <c>--data-dir PATH</c>.</param>
    /// <param name="unknownFlagHint">Ends the error about an unknown flag, e.g. <c> (see --help).</c></param>
    public CommandLineFlags(string environmentPrefix, IEnumerable<CommandLineFlag> flags, string example, string unknownFlagHint)
    {
        ArgumentNullException.ThrowIfNull(flags);
        EnvironmentPrefix = environmentPrefix;
        _example = example;
        _unknownFlagHint = unknownFlagHint;
        foreach (var flag in flags)
        {
            _byArgument.Add("--" + flag.Name, flag);
            if (flag.ShortName is { } shortName)
            {
                _byArgument.Add("-" + shortName, flag);
            }
        }
    }

    public string EnvironmentPrefix { get; }

    /// <summary>The environment variable that sets <paramref name="flag"/> when the command line does not.</summary>
    public string EnvironmentVariable(string flag) => EnvironmentPrefix + new CommandLineFlag(flag).Key;

    /// <summary>
    /// What the user typed to give <paramref name="flag"/>'s value, for an error about it: <c>SECRETFLEET_WORKERS</c>
    /// when the value came from the environment (or <paramref name="flag"/> is a variable with no flag), else <c>--workers</c>.
    /// </summary>
    /// <param name="configuration">The configuration <see cref="AddTo"/> filled.</param>
    /// <param name="flag">The flag without its dashes: <c>workers</c>.</param>
    public string NameOf(IConfigurationRoot configuration, string flag)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!_byArgument.ContainsKey("--" + flag))
        {
            return EnvironmentVariable(flag);
        }

        // The configuration returns the value of the last provider that holds the key.
        var key = new CommandLineFlag(flag).Key;
        var source = configuration.Providers.LastOrDefault(provider => provider.TryGet(key, out _));
        return source is EnvironmentVariablesConfigurationProvider ? EnvironmentVariable(flag) : "--" + flag;
    }

    /// <summary>Adds the environment, then the command line (which wins), to <paramref name="configuration"/>.</summary>
    /// <param name="configuration">The host's configuration.</param>
    /// <param name="normalizedArguments">What <see cref="TryNormalize"/> returned.</param>
    public IConfigurationBuilder AddTo(IConfigurationBuilder configuration, IReadOnlyList<string> normalizedArguments)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var mappings = _byArgument.ToDictionary(f => f.Key, f => f.Value.Key, StringComparer.Ordinal);
        return configuration
            .AddEnvironmentVariables(EnvironmentPrefix)
            .AddCommandLine([.. normalizedArguments], mappings);
    }

    /// <summary>
    /// Checks the shape of <paramref name="args"/> and rewrites each flag as <c>--name=value</c>.
    /// False, with a one-line <paramref name="error"/>, for a bare word, an unknown flag or a flag without a value.
    /// </summary>
    public bool TryNormalize(IReadOnlyList<string> args, out IReadOnlyList<string> normalized, out string? error)
    {
        ArgumentNullException.ThrowIfNull(args);
        var result = new List<string>(args.Count);
        normalized = result;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = equals >= 0 ? arg[..equals] : arg;
            if (!_byArgument.TryGetValue(name, out var flag))
            {
                error = name.StartsWith("--", StringComparison.Ordinal)
                    ? $"Unknown flag {name}{_unknownFlagHint}"
                    : $"Unexpected argument '{arg}'; flags look like {_example} (see --help).";
                return false;
            }

            string value;
            if (equals >= 0)
            {
                value = arg[(equals + 1)..];
            }
            else if (flag.IsSwitch)
            {
                value = "true";
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }
            else
            {
                error = $"--{flag.Name} needs a value.";
                return false;
            }

            result.Add($"--{flag.Name}={value}");
        }

        error = null;
        return true;
    }
}
