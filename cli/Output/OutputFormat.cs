namespace SecretFleet.Cli.Output;

/// <summary>What `-o` asks for: human tables (default) or JSON for scripts.</summary>
internal enum OutputFormat
{
    Table,
    Json,
}
