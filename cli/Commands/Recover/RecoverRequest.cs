namespace SecretFleet.Cli.Commands.Recover;

/// <summary>What `recover` was asked: the name, and where the secret may go.</summary>
internal sealed record RecoverRequest(string Name, string? ToFile, bool Show);
