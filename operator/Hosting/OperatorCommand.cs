namespace SecretFleet.Operator.Hosting;

/// <summary>
/// What <c>secretfleet-operator</c> was asked to do: a verb (run, render, generate-crds, version, help) and its
/// arguments. The flags of run are not read here but by the host's configuration (<see cref="OperatorSettings"/>),
/// those of render by <see cref="Rendering.RenderArguments"/>.
/// </summary>
internal sealed record OperatorCommand(string Verb, IReadOnlyList<string> Arguments)
{
    /// <exception cref="OperatorConfigurationException">An unknown verb, or a verb with the wrong arguments.</exception>
    public static OperatorCommand Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Any(a => a is "--help" or "-h"))
        {
            return new OperatorCommand("help", []);
        }

        var verbGiven = args.Count > 0 && !args[0].StartsWith('-');
        var verb = verbGiven ? args[0] : "run";
        var rest = verbGiven ? args.Skip(1).ToList() : [.. args];
        return verb switch
        {
            "run" or "render" => new OperatorCommand(verb, rest),
            "generate-crds" => rest.Count == 1 && !rest[0].StartsWith('-')
                ? new OperatorCommand(verb, rest)
                : throw new OperatorConfigurationException("generate-crds takes one argument, the directory to write into (e.g. generate-crds crds)."),
            "version" or "help" => rest.Count == 0
                ? new OperatorCommand(verb, [])
                : throw new OperatorConfigurationException($"{verb} takes no arguments."),
            _ => throw new OperatorConfigurationException($"Unknown command '{verb}'; use run, render, generate-crds or version (see --help)."),
        };
    }
}
