namespace SecretFleet.KubeEmulator;

/// <summary>What the kubelet executes for a container: the program, its arguments and its whole environment.</summary>
internal sealed record LaunchPlan(string FileName, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Environment, string WorkingDirectory);
