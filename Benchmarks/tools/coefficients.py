#!/usr/bin/env python3
"""Regenerates the constants in Sources/GradlabSIMD/Kernels/DoubleMath.swift.

Needs mpmath. Prints the three-part splits of pi/2 (Float: 11 + 11 + 24 bits,
Double: 26 + 26 + 53 bits) and minimax-like polynomials (Lawson-weighted least
squares on Chebyshev nodes, relative error) for:
  - e^r - 1 - r = r^2 P(r) on [-ln2/2, ln2/2], degree 10;
  - log(1+r) - r = r^2 P(r) on |r| <= 0.02966 (Double log after pow's 16-entry table), degree 7.
The sin/cos polynomials are Cephes' (sinf.c, sin.c), kept as published.
"""
import mpmath as mp

mp.mp.dps = 50


def fit(f, a, b, degree, points=200, iterations=25):
    xs = [a + (b - a) * (1 - mp.cos(mp.pi * (i + 0.5) / points)) / 2 for i in range(points)]
    ys = [f(x) for x in xs]
    weights = [mp.mpf(1) / points] * points
    for _ in range(iterations):
        A = mp.matrix(points, degree + 1)
        B = mp.matrix(points, 1)
        for i, (x, y) in enumerate(zip(xs, ys)):
            s = mp.sqrt(weights[i]) / abs(y)
            for k in range(degree + 1):
                A[i, k] = s * x**k
            B[i] = s * y
        c = mp.lu_solve(A.T * A, A.T * B)
        errors = [abs((sum(c[k] * x**k for k in range(degree + 1)) - y) / y) for x, y in zip(xs, ys)]
        total = sum(w * e for w, e in zip(weights, errors))
        weights = [w * e / total for w, e in zip(weights, errors)]
    return [c[k] for k in range(degree + 1)], max(errors)


def round_bits(x, bits):
    e = mp.floor(mp.log(abs(x), 2))
    scale = mp.mpf(2) ** (bits - 1 - e)
    return mp.nint(x * scale) / scale


def main():
    half_pi = mp.pi / 2
    for name, bits, last in (("Float", 11, 24), ("Double", 26, 53)):
        p1 = round_bits(half_pi, bits)
        p2 = round_bits(half_pi - p1, bits)
        p3 = round_bits(half_pi - p1 - p2, last)
        print(f"{name} pi/2 = {float(p1)!r} + {float(p2)!r} + {float(p3)!r}")
    ln2 = mp.log(2)
    P, error = fit(lambda r: (mp.exp(r) - 1 - r) / r**2 if abs(r) > mp.mpf("1e-25") else mp.mpf(1) / 2,
                   -ln2 / 2, ln2 / 2, 10)
    print(f"exp P (relative error {mp.nstr(error, 3)}):", [float(c) for c in P])
    r_max = mp.mpf("0.029629631550051271915435791015625") * mp.mpf("1.001")  # max |z c^-1 - 1| over the table, 0.1% margin
    P, error = fit(lambda r: (mp.log(1 + r) - r) / r**2 if abs(r) > mp.mpf("1e-25") else mp.mpf(-1) / 2,
                   -r_max, r_max, 7)
    print(f"log P (relative error {mp.nstr(error, 3)}):", [float(c) for c in P])

if __name__ == "__main__":
    main()
