using System.Diagnostics.CodeAnalysis;

namespace SecretFleet.Core.Sharing;

/// <summary>
/// Outcome of <see cref="Shamir.CombineRobust"/>: the secret and the x's of the shares that were
/// wrong, or, when no set of <c>t</c> shares reconstructs the commitment, a reason and no secret.
/// </summary>
public sealed record RobustCombineResult(byte[]? Secret, IReadOnlyList<byte> BadXs, string? Failure)
{
    /// <summary>True when the secret was recovered and verified against the commitment.</summary>
    [MemberNotNullWhen(true, nameof(Secret))]
    public bool Succeeded => Secret is not null;

    internal static RobustCombineResult Recovered(byte[] secret, IReadOnlyList<byte> badXs) => new(secret, badXs, null);

    internal static RobustCombineResult Failed(string reason) => new(null, [], reason);
}
