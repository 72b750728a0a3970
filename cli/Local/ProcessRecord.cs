namespace SecretFleet.Cli.Local;

/// <summary>
/// A process we started: its pid and its start time (clock ticks after boot, from /proc), so a
/// pid the kernel reused for somebody else's process is never mistaken for ours.
/// </summary>
internal sealed record ProcessRecord(int Pid, long StartTicks);
