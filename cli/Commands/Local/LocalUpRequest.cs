namespace SecretFleet.Cli.Commands.Local;

/// <summary>What `local up` was asked; nulls mean "the default for a new fleet, unchanged for an existing one".</summary>
internal sealed record LocalUpRequest(string? Directory, int? Nodes, int? Threshold, string? RefreshInterval);
