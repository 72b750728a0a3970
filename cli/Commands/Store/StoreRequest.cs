namespace SecretFleet.Cli.Commands.Store;

/// <summary>What `store` was asked: the name, at most one source, and whether to overwrite.</summary>
internal sealed record StoreRequest(string Name, string? Literal, string? File, bool Overwrite);
