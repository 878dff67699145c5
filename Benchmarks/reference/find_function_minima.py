"""Finds the minima gradlab's TestFunction catalogue lists (Sources/GradlabCore/
Functions/TestFunction+Catalogue.swift) to full double precision.

For each function: every local minimum of f on a 400x400 grid over the domain
starts a 40-digit Newton iteration on the gradient (mpmath.findroot); the
critical points inside the domain whose Hessian is positive definite are
printed, lowest first, as x1 x2 f.

    pip install mpmath numpy
    python3 Benchmarks/reference/find_function_minima.py
"""
import mpmath as mp
import numpy as np
mp.mp.dps = 40
def crit(f, x0, y0):
    gx = lambda x, y: mp.diff(lambda t: f(t, y), x)
    gy = lambda x, y: mp.diff(lambda t: f(x, t), y)
    r = mp.findroot([gx, gy], (x0, y0))
    x, y = r[0], r[1]
    h = mp.matrix([[mp.diff(f, (x, y), (2, 0)), mp.diff(f, (x, y), (1, 1))], [mp.diff(f, (x, y), (1, 1)), mp.diff(f, (x, y), (0, 2))]])
    ev = mp.eig(h)[0]
    return x, y, f(x, y), [float(mp.re(e)) for e in ev]
def grid_minima(fn, dom, n=400):
    xs = np.linspace(dom[0], dom[1], n); ys = np.linspace(dom[2], dom[3], n)
    X, Y = np.meshgrid(xs, ys, indexing="ij"); Z = fn(X, Y)
    out = []
    for i in range(1, n-1):
        for j in range(1, n-1):
            if Z[i, j] == Z[i-1:i+2, j-1:j+2].min(): out.append((xs[i], ys[j]))
    return out
def report(name, f, fn, dom):
    seen = []
    for x0, y0 in grid_minima(fn, dom):
        x, y, v, ev = crit(f, x0, y0)
        if not (dom[0] < x < dom[1] and dom[2] < y < dom[3]) or min(ev) <= 0: continue
        if any(abs(x - a) < 1e-8 and abs(y - b) < 1e-8 for a, b, _ in seen): continue
        seen.append((x, y, v))
    seen.sort(key=lambda t: float(t[2]))
    print(name)
    for x, y, v in seen: print("  ", repr(float(x)), repr(float(y)), repr(float(v)))
tut = lambda x, y: mp.sin(x)*mp.cos(y) + mp.sin(0.5*x)*mp.cos(0.5*y)
report("tutorial", tut, lambda x, y: np.sin(x)*np.cos(y)+np.sin(0.5*x)*np.cos(0.5*y), [0, 10, 0, 10])
him = lambda x, y: (x**2 + y - 11)**2 + (x + y**2 - 7)**2
report("himmelblau", him, lambda x, y: (x**2 + y - 11)**2 + (x + y**2 - 7)**2, [-5, 5, -5, 5])
cam = lambda x, y: (4 - mp.mpf('2.1')*x**2 + x**4/3)*x**2 + x*y + (-4 + 4*y**2)*y**2
report("camel", cam, lambda x, y: (4 - 2.1*x**2 + x**4/3)*x**2 + x*y + (-4 + 4*y**2)*y**2, [-3, 3, -2, 2])
gp = lambda x, y: (1 + (x+y+1)**2*(19 - 14*x + 3*x**2 - 14*y + 6*x*y + 3*y**2)) * (30 + (2*x - 3*y)**2*(18 - 32*x + 12*x**2 + 48*y - 36*x*y + 27*y**2))
report("goldstein", gp, lambda x, y: (1 + (x+y+1)**2*(19 - 14*x + 3*x**2 - 14*y + 6*x*y + 3*y**2)) * (30 + (2*x - 3*y)**2*(18 - 32*x + 12*x**2 + 48*y - 36*x*y + 27*y**2)), [-2, 2, -2, 2])
