namespace SecretFleet.Core.Sharing;

/// <summary>
/// What one new-committee receiver holds from one old-committee dealer: the dealt values
/// g_m(y_j) (M blocks), the mask h(y_j) (one block) and the dealer's published combination C
/// (t' coefficients, lowest degree first).
/// </summary>
public sealed record ReceivedDealing(byte DealerX, byte[] Values, byte[] Mask, byte[] Combined);
