#!/usr/bin/python3
"""Peer: Debian python3-pycryptodome, Cryptodome.Protocol.SecretSharing.Shamir (GF(2^128)).

Its Shamir takes exactly 16-byte secrets, so a 32-byte secret is two split calls and two
combine calls. Same loop as the other peers: warm for 2 s, PASSES timed passes (default 5), median per op.
Debian's interpreter (/usr/bin/python3) sees the Debian package.
"""
import os
import sys
import time

from Cryptodome.Protocol.SecretSharing import Shamir


def one(secret):
    halves = (secret[:16], secret[16:])
    back = b""
    for half in halves:
        shares = Shamir.split(3, 5, half)
        back += Shamir.combine(shares[:3])
    if back != secret:
        raise RuntimeError("lost the secret")


def run_pass(secrets):
    for s in secrets:
        one(s)


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    passes = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    secrets = [os.urandom(32) for _ in range(count)]
    warm_until = time.perf_counter() + 2
    while time.perf_counter() < warm_until:
        run_pass(secrets[: max(1, count // 20)])
    per_op = []
    for _ in range(passes):
        start = time.perf_counter()
        run_pass(secrets)
        per_op.append((time.perf_counter() - start) * 1e6 / count)
    per_op.sort()
    print(f"pycryptodome: {per_op[len(per_op) // 2]:.2f} us/op (min {per_op[0]:.2f}, {count} ops per pass)")


if __name__ == "__main__":
    main()
