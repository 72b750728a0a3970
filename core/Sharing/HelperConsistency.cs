namespace SecretFleet.Core.Sharing;

/// <summary>
/// Whether share-recovery helper values lie on one polynomial of degree below <c>t</c>:
/// <see cref="Decodable"/> is false when too many disagree to tell which (more than
/// ⌊(m − t)/2⌋ of m); otherwise <see cref="InconsistentXs"/> names the helpers off the polynomial.
/// </summary>
public sealed record HelperConsistency(bool Decodable, IReadOnlyList<byte> InconsistentXs);
