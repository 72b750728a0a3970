namespace SecretFleet.KubeEmulator;

/// <summary>One line a container printed, numbered within its run, with the time it arrived.</summary>
internal sealed record LogLine(long Sequence, DateTimeOffset Time, string Text);
