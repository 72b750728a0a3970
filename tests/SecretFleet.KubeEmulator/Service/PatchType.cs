namespace SecretFleet.KubeEmulator;

/// <summary>The PATCH content types the emulator understands.</summary>
internal enum PatchType
{
    Json,
    Merge,
    StrategicMerge,
    Apply,
}
