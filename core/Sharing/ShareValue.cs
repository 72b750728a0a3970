namespace SecretFleet.Core.Sharing;

/// <summary>One share of a secret: the x-coordinate (node ordinal + 1) and the evaluations, one 16-byte block per payload block.</summary>
public sealed record ShareValue(byte X, byte[] Value);
