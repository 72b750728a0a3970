namespace SecretFleet.KubeEmulator;

/// <summary>The query parameters of a write: field manager, unknown-field handling, dry run and (for apply) force.</summary>
internal sealed record WriteOptions(string FieldManager, FieldValidation Validation = FieldValidation.Warn, bool DryRun = false, bool Force = false);
