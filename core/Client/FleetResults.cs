namespace SecretFleet.Core.Client;

/// <summary>A stored secret: its version and the epoch each node stored it at.</summary>
public sealed record StoreResult(string Name, ulong Version, ulong Epoch, int Nodes, bool Overwrote);

/// <summary>A recovered secret and what recovery noticed on the way.</summary>
public sealed record RecoverResult(string Name, byte[] Secret, ulong Version, ulong Epoch, IReadOnlyList<byte> UsedXs, IReadOnlyList<byte> BadXs, IReadOnlyList<byte> UnreachableXs);

/// <summary>One secret in a listing: newest version and how many nodes hold it.</summary>
public sealed record SecretInfo(string Name, ulong Version, ulong Epoch, int Threshold, int Nodes, DateTimeOffset Updated, int PayloadBytes);

/// <summary>One node's state as a client sees it.</summary>
public sealed record NodeStatus(byte X, Uri Endpoint, bool Healthy, ulong Epoch, bool Member, long Secrets, string? Operation, string? Error);

/// <summary>How a store behaves.</summary>
public sealed record StoreOptions(bool Overwrite = false);
