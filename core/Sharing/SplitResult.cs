namespace SecretFleet.Core.Sharing;

/// <summary>The shares of one secret (<c>Shares[i].X == i + 1</c>) and the SHA-256 commitment every node stores beside its share.</summary>
public sealed record SplitResult(IReadOnlyList<ShareValue> Shares, byte[] Commitment);
