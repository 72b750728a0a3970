#!/usr/bin/python3
"""Known products and inverses in GF(2^128) for SecretFleet's field tests.

Independent of the C# code: plain Python integers, schoolbook carry-less multiply
(shift and XOR), reduction by long division by the field polynomial, and inverses by
the extended Euclidean algorithm over GF(2)[x] (a different method from the C#
exponentiation). Inputs come from a fixed seed, so the output is reproducible:

    /usr/bin/python3 tests/vectors/gf128_vectors.py > tests/vectors/gf128.txt
"""
import random

POLY = (1 << 128) | 0x87  # x^128 + x^7 + x^2 + x + 1


def clmul(a, b):
    product = 0
    while b:
        if b & 1:
            product ^= a
        a <<= 1
        b >>= 1
    return product


def poly_mod(a, m):
    dm = m.bit_length()
    while a.bit_length() >= dm:
        a ^= m << (a.bit_length() - dm)
    return a


def poly_divmod(a, b):
    q = 0
    db = b.bit_length()
    while a.bit_length() >= db:
        shift = a.bit_length() - db
        q ^= 1 << shift
        a ^= b << shift
    return q, a


def mul(a, b):
    return poly_mod(clmul(a, b), POLY)


def inverse(a):
    # Extended Euclid: keeps s with s*a = r (mod POLY); ends when r = gcd = 1.
    r0, r1, s0, s1 = POLY, a, 0, 1
    while r1 != 1:
        q, r = poly_divmod(r0, r1)
        r0, r1 = r1, r
        s0, s1 = s1, s0 ^ clmul(q, s1)
    return poly_mod(s1, POLY)


def block(v):
    """The 16-byte block of a field element: the 128-bit integer, little-endian."""
    return v.to_bytes(16, "little").hex()


def main():
    rng = random.Random(20261122)
    edge = [1, 2, 0x87, 1 << 63, 1 << 64, 1 << 127, (1 << 128) - 1, (1 << 64) - 1, 0xFF, 0x0100]
    print("# GF(2^128) test vectors: polynomial x^128 + x^7 + x^2 + x + 1, natural bit order")
    print("# (bit i of the 128-bit integer is the coefficient of x^i); every value is written as")
    print("# its 16-byte block, i.e. the integer in little-endian byte order, in hex.")
    print("# Made by tests/vectors/gf128_vectors.py (plain-integer carry-less multiply, reduction")
    print("# by polynomial long division, inverses by extended Euclid over GF(2)[x]):")
    print("#   /usr/bin/python3 tests/vectors/gf128_vectors.py > tests/vectors/gf128.txt")
    print("# Lines: 'mul A B A*B', 'inv A A^-1'.")
    operands = edge + [rng.getrandbits(128) for _ in range(200)] + list(range(1, 17))
    for a in operands:
        b = rng.choice(edge) if rng.random() < 0.2 else rng.getrandbits(128)
        print(f"mul {block(a)} {block(b)} {block(mul(a, b))}")
    print(f"mul {block(0)} {block(rng.getrandbits(128))} {block(0)}")
    for a in operands:
        inv = inverse(a)
        assert mul(a, inv) == 1
        print(f"inv {block(a)} {block(inv)}")


if __name__ == "__main__":
    main()
