namespace SecretFleet.Core.Sharing;

/// <summary>
/// Berlekamp–Welch decoding of points (x_i, y_i) to the polynomial of degree below k that
/// agrees with all but at most e = ⌊(m − k)/2⌋ of them. Callers feed it one random linear
/// combination of each share's blocks, so one decode covers every block. Gaussian elimination
/// branches on which combined values are zero; those values are random combinations under a
/// fresh secret r and the caller holds all the shares anyway, so that timing says nothing useful.
/// </summary>
internal static class ReedSolomonDecoder
{
    /// <summary>The x's whose points lie on the decoded polynomial, or null when no polynomial is within e errors.</summary>
    public static XSet? Decode(ReadOnlySpan<byte> xs, ReadOnlySpan<Gf128> ys, int k)
    {
        var m = xs.Length;
        if (m < k || k < 1)
        {
            return null;
        }
        var e = (m - k) / 2;
        // Unknowns: Q_0 … Q_(k+e−1), then E_0 … E_(e−1) of the monic error locator E.
        // Row i: Σ Q_j·x_i^j + Σ E_j·y_i·x_i^j = y_i·x_i^e (minus is plus in characteristic 2).
        var unknowns = k + 2 * e;
        var width = unknowns + 1;
        var matrix = new Gf128[m * width];
        for (var i = 0; i < m; i++)
        {
            var x = Gf128.FromByte(xs[i]);
            var row = matrix.AsSpan(i * width, width);
            var power = Gf128.One;
            for (var j = 0; j < k + e; j++)
            {
                row[j] = power;
                if (j < e)
                {
                    row[k + e + j] = ys[i] * power;
                }
                if (j == e)
                {
                    row[unknowns] = ys[i] * power;
                }
                power *= x;
            }
        }
        var solution = new Gf128[unknowns];
        if (!Solve(matrix, m, width, solution))
        {
            return null;
        }
        var locator = new Gf128[e + 1];
        solution.AsSpan(k + e, e).CopyTo(locator);
        locator[e] = Gf128.One;
        var quotient = DivideMonic(solution.AsSpan(0, k + e), locator);
        if (quotient is null)
        {
            return null;
        }
        var agreeing = default(XSet);
        for (var i = 0; i < m; i++)
        {
            if (Evaluate(quotient, Gf128.FromByte(xs[i])) == ys[i])
            {
                agreeing = agreeing.With(xs[i]);
            }
        }
        return agreeing.Count >= m - e ? agreeing : null;
    }

    /// <summary>Reduces the augmented system to row echelon form; free unknowns are set to zero.</summary>
    private static bool Solve(Gf128[] matrix, int rows, int width, Span<Gf128> solution)
    {
        var unknowns = width - 1;
        var rank = 0;
        Span<int> pivotColumn = stackalloc int[Math.Min(rows, unknowns)];
        for (var column = 0; column < unknowns && rank < rows; column++)
        {
            var pivot = -1;
            for (var r = rank; r < rows; r++)
            {
                if (!matrix[r * width + column].IsZero)
                {
                    pivot = r;
                    break;
                }
            }
            if (pivot < 0)
            {
                continue;
            }
            var top = matrix.AsSpan(rank * width, width);
            if (pivot != rank)
            {
                var other = matrix.AsSpan(pivot * width, width);
                for (var c = 0; c < width; c++)
                {
                    (top[c], other[c]) = (other[c], top[c]);
                }
            }
            var scale = top[column].Inverse();
            for (var c = column; c < width; c++)
            {
                top[c] *= scale;
            }
            for (var r = 0; r < rows; r++)
            {
                var factor = matrix[r * width + column];
                if (r == rank || factor.IsZero)
                {
                    continue;
                }
                var row = matrix.AsSpan(r * width, width);
                for (var c = column; c < width; c++)
                {
                    row[c] += factor * top[c];
                }
            }
            pivotColumn[rank++] = column;
        }
        for (var r = rank; r < rows; r++)
        {
            if (!matrix[r * width + unknowns].IsZero)
            {
                return false; // 0 = nonzero: more errors than the decoder can correct
            }
        }
        solution.Clear();
        for (var r = 0; r < rank; r++)
        {
            solution[pivotColumn[r]] = matrix[r * width + unknowns];
        }
        return true;
    }

    /// <summary>Q / E for monic E, or null when E does not divide Q.</summary>
    private static Gf128[]? DivideMonic(ReadOnlySpan<Gf128> dividend, ReadOnlySpan<Gf128> divisor)
    {
        var remainder = dividend.ToArray();
        var degree = divisor.Length - 1;
        var quotient = new Gf128[Math.Max(remainder.Length - degree, 1)];
        for (var i = remainder.Length - 1; i >= degree; i--)
        {
            var lead = remainder[i];
            quotient[i - degree] = lead;
            for (var j = 0; j <= degree; j++)
            {
                remainder[i - degree + j] += lead * divisor[j];
            }
        }
        for (var i = 0; i < Math.Min(degree, remainder.Length); i++)
        {
            if (!remainder[i].IsZero)
            {
                return null;
            }
        }
        return quotient;
    }

    private static Gf128 Evaluate(ReadOnlySpan<Gf128> coefficients, Gf128 x)
    {
        var acc = Gf128.Zero;
        for (var i = coefficients.Length - 1; i >= 0; i--)
        {
            acc = acc * x + coefficients[i];
        }
        return acc;
    }
}
