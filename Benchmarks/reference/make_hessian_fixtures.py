"""Hessians from torch.autograd.functional.hessian (float64), for gradlab's
curvature tests: Tests/Fixtures/curvature/hessians.json.

Each case is a gradlab expression over x1, x2, the same function written
with torch, and points away from kinks. Run: python3 make_hessian_fixtures.py OUT.json
"""
import json
import sys

import torch

torch.set_default_dtype(torch.float64)
T = torch

CASES = [
    ("x1^2 + 10*x2^2", lambda a, b: a**2 + 10 * b**2),
    ("(1 - x1)^2 + 100*(x2 - x1^2)^2", lambda a, b: (1 - a) ** 2 + 100 * (b - a**2) ** 2),
    ("sin(x1)*cos(x2) + sin(0.5*x1)*cos(0.5*x2)", lambda a, b: T.sin(a) * T.cos(b) + T.sin(0.5 * a) * T.cos(0.5 * b)),
    ("tan(x1*x2)", lambda a, b: T.tan(a * b)),
    ("exp(x1 - 2*x2) + log(x1^2 + 1)", lambda a, b: T.exp(a - 2 * b) + T.log(a**2 + 1)),
    ("sqrt(x1^2 + x2^2 + 1)", lambda a, b: T.sqrt(a**2 + b**2 + 1)),
    ("abs(x1 - x2)*x1", lambda a, b: T.abs(a - b) * a),
    ("tanh(x1*x2 + x1)", lambda a, b: T.tanh(a * b + a)),
    ("sigmoid(3*x1 - x2)*x2", lambda a, b: T.sigmoid(3 * a - b) * b),
    ("relu(x1 + x2)^2 + x1*x2", lambda a, b: T.relu(a + b) ** 2 + a * b),
    ("max(x1^2, x2)*x1 + min(x1, x2^3)", lambda a, b: T.maximum(a**2, b) * a + T.minimum(a, b**3)),
    ("x1^x2", lambda a, b: a**b),
    ("x1^3/x2 - x2^-2", lambda a, b: a**3 / b - b**-2),
    ("(x1^2 + x2 - 11)^2 + (x1 + x2^2 - 7)^2", lambda a, b: (a**2 + b - 11) ** 2 + (a + b**2 - 7) ** 2),
]
POINTS = [[0.7, 1.3], [1.9, 0.4], [-1.2, 2.2]]


def main(out):
    cases = []
    for expression, f in CASES:
        for point in POINTS:
            x = T.tensor(point)
            if expression == "x1^x2" and point[0] <= 0:
                continue
            g = lambda v: f(v[0], v[1])
            value = g(x).item()
            grad = T.autograd.functional.jacobian(g, x).tolist()
            hess = T.autograd.functional.hessian(g, x).tolist()
            cases.append({"expression": expression, "at": point, "value": value, "gradient": grad, "hessian": hess})
    with open(out, "w") as f:
        json.dump({"source": f"torch {torch.__version__} torch.autograd.functional.hessian, float64", "cases": cases}, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1])
