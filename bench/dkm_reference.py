#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The deep kernel machine of bench-dkm.c, solved with SciPy's L-BFGS-B.

    ks-bench-dkm --dir DIR && python3 bench/dkm_reference.py DIR

Reads the problem ks-bench-dkm wrote (k0.csv, y.csv, problem.txt) and maximises the same
objective (MATHS section 3) over the same variables from the same start:
G_l = R_l V_l V_l^T R_l^T, R_l the Cholesky factor of the NNGP kernel, V_l = I + E_l lower
triangular. Kernelscope preconditions L-BFGS at every iteration; L-BFGS-B takes no
preconditioner, so here the variables are z = B^T E, the best fixed change of variables
(B B^T = T, the chain along the depth of ks-dkm-solver.c, applied at the start). The
stopping rule is Kernelscope's relative gradient norm, checked at every evaluation (SciPy's
own tests are switched off); the time runs from the kernels to the solution, like
ks-bench-dkm's. Prints "row <TAB> seconds <TAB> key=value ..." lines and '#' comments.
"""

import math
import os
import sys
import time

import numpy as np
import scipy
from scipy import linalg, optimize


def parse_stack(spec):
    layers = []
    for token in spec.split(","):
        parts = token.split(":")
        layer = {"kind": parts[0], "width": 0, "wv": 1.0, "bv": 0.0, "noise": 0.0}
        if parts[0] in ("dense", "readout"):
            layer["width"] = 0 if parts[1] == "inf" else int(parts[1])
            for option in parts[2:]:
                key, value = option.split("=")
                layer[key] = float(value)
        elif parts[0] != "relu":
            raise ValueError("the reference knows dense, relu and readout, not " + parts[0])
        layers.append(layer)
    return layers


# The infinite-width maps (MATHS section 1) and their reverse mode


def relu_parts(c):
    root = np.sqrt(np.diag(c))
    product = np.outer(root, root)
    cosine = np.clip(c / product, -1.0, 1.0)
    np.fill_diagonal(cosine, 1.0)
    return root, product, cosine


def relu_kernel(c):
    _, product, cosine = relu_parts(c)
    theta = np.arccos(cosine)
    sine = np.sqrt((1.0 - cosine) * (1.0 + cosine))
    g = product / (2.0 * math.pi) * (sine + (math.pi - theta) * cosine)
    np.fill_diagonal(g, 0.5 * np.diag(c))
    return g


def relu_backward(c, g_bar):
    root, _, cosine = relu_parts(c)
    theta = np.arccos(cosine)
    sine = np.sqrt((1.0 - cosine) * (1.0 + cosine))
    d_c12 = (math.pi - theta) / (2.0 * math.pi)
    d_c11 = root[None, :] * sine / (4.0 * math.pi * root[:, None])
    c_bar = g_bar * d_c12
    diagonal = 0.5 * np.diag(g_bar) + 2.0 * np.sum(g_bar * d_c11, axis=1)
    np.fill_diagonal(c_bar, diagonal)
    return c_bar


def forward(layer, x):
    if layer["kind"] == "dense":
        return layer["wv"] * x + layer["bv"]
    if layer["kind"] == "relu":
        return relu_kernel(x)
    return x + layer["noise"] * np.eye(len(x))


def backward(layer, x_in, bar):
    if layer["kind"] == "dense":
        return layer["wv"] * bar
    if layer["kind"] == "relu":
        return relu_backward(x_in, bar)
    return bar


# The objective


class Problem:
    def __init__(self, k0, y, layers, width_scale):
        self.size = len(k0)
        self.layers = layers
        self.variables = [i for i, layer in enumerate(layers)
                          if layer["kind"] == "dense" and layer["width"] > 0]
        self.nu = [width_scale * layers[i]["width"] for i in self.variables]
        readout = layers[-1] if layers[-1]["kind"] == "readout" else None
        self.nu_out = readout["width"] if readout else y.shape[1]
        self.output_factor = y / math.sqrt(y.shape[1])
        nexts = self.nu[1:] + [self.nu_out]
        self.step_weights = [a + b for a, b in zip(self.nu, nexts)]
        # Segment s maps the kernel before it through layers [first, end).
        self.bounds = []
        first = 0
        for index in self.variables + [len(layers) - 1]:
            end = index + 1
            self.bounds.append((first, end))
            first = end
        self.first_prior = self.run_layers(k0, *self.bounds[0])[-1]
        self.first_factorisation = self.factorise(self.first_prior)

    def factorise(self, target):
        chol = linalg.cholesky(target, lower=True)
        log_det = 2.0 * np.sum(np.log(np.diag(chol)))
        return chol, log_det, linalg.cho_solve((chol, True), np.eye(self.size))

    def run_layers(self, x, first, end):
        kernels = []
        for index in range(first, end):
            x = forward(self.layers[index], x)
            kernels.append(x)
        return kernels

    def prior_means(self):
        means = [self.first_prior]
        for s in range(1, len(self.variables)):
            means.append(self.run_layers(means[-1], *self.bounds[s])[-1])
        return means

    def backward_segment(self, s, source, kernels, bar):
        first, end = self.bounds[s]
        for index in range(end - 1, first - 1, -1):
            x_in = kernels[index - first - 1] if index > first else source
            bar = backward(self.layers[index], x_in, bar)
        return bar

    def evaluate(self, g, factors):
        """L and, per variable, dL/dG without nu/2 G^{-1}."""
        size, n = self.size, len(self.variables)
        value = 0.0
        partial = []
        downstream = [None] * n
        for s in range(n + 1):
            source = None if s == 0 else g[s - 1]
            kernels = [] if s == 0 else self.run_layers(source, *self.bounds[s])
            if s == 0:
                chol, log_det, inverse = self.first_factorisation
            else:
                chol, log_det, inverse = self.factorise(kernels[-1] if kernels else source)
            if s < n:
                nu = self.nu[s]
                w = linalg.solve_triangular(chol, factors[s], lower=True)
                value -= 0.5 * nu * (np.sum(w * w) - size + log_det
                                     - 2.0 * np.sum(np.log(np.abs(np.diag(factors[s])))))
                partial.append(-0.5 * nu * inverse)
                if s == 0:
                    continue
                z = linalg.solve_triangular(chol, w, lower=True, trans="T")
                bar = -0.5 * nu * (inverse - z @ z.T)
            else:
                q = linalg.solve_triangular(chol, self.output_factor, lower=True)
                value -= 0.5 * self.nu_out * (log_det + np.sum(q * q))
                q = linalg.solve_triangular(chol, q, lower=True, trans="T")
                bar = -0.5 * self.nu_out * (inverse - q @ q.T)
            downstream[s - 1] = self.backward_segment(s, source, kernels, bar)
        return value, [p + d for p, d in zip(partial, downstream)]


class Coordinates:
    """E packed per variable, V = I + E, z = B^T E with the chain B B^T = T."""

    def __init__(self, problem, start):
        self.problem = problem
        size = problem.size
        self.rows, self.cols = np.tril_indices(size)
        self.block = len(self.rows)
        self.references = [linalg.cholesky(g, lower=True) for g in start]
        n = len(start)
        self.diagonal = np.zeros(n)
        self.subdiagonal = np.zeros(n)
        for k in range(n):
            d = problem.step_weights[k]
            if k > 0:
                self.subdiagonal[k] = -problem.nu[k] / self.diagonal[k - 1]
                d -= self.subdiagonal[k] ** 2
            self.diagonal[k] = math.sqrt(d)

    def e_from_z(self, z):
        z = z.reshape(len(self.diagonal), self.block)
        e = np.empty_like(z)
        for k in range(len(e) - 1, -1, -1):
            value = z[k] - (self.subdiagonal[k + 1] * e[k + 1] if k + 1 < len(e) else 0.0)
            e[k] = value / self.diagonal[k]
        return e

    def z_gradient(self, e_gradient):
        out = np.empty_like(e_gradient)
        for k in range(len(out)):
            value = e_gradient[k] - (self.subdiagonal[k] * out[k - 1] if k > 0 else 0.0)
            out[k] = value / self.diagonal[k]
        return out.ravel()

    def evaluate(self, z):
        """-L, its gradient in z and the relative gradient norm."""
        problem, size = self.problem, self.problem.size
        e = self.e_from_z(z)
        vs, factors, gs = [], [], []
        for k, r in enumerate(self.references):
            v = np.eye(size)
            v[self.rows, self.cols] += e[k]
            f = r @ v
            vs.append(v)
            factors.append(f)
            gs.append(f @ f.T)
        value, partial = problem.evaluate(gs, factors)
        e_gradient = np.empty_like(e)
        norm = 0.0
        for k, (r, v, f, p) in enumerate(zip(self.references, vs, factors, partial)):
            nu = problem.nu[k]
            b = p @ f
            whitened = f.T @ b + 0.5 * nu * np.eye(size)
            norm = max(norm, np.linalg.norm(whitened) / (math.sqrt(size) * problem.step_weights[k]))
            d_v = 2.0 * (r.T @ b)
            d_v[np.diag_indices(size)] += nu / np.diag(v)
            e_gradient[k] = -d_v[self.rows, self.cols]
        return -value, self.z_gradient(e_gradient), norm, gs


class Converged(Exception):
    def __init__(self, z):
        super().__init__()
        self.z = z


def read_problem(directory):
    settings = {}
    with open(os.path.join(directory, "problem.txt")) as f:
        for line in f:
            key, value = line.strip().split("=", 1)
            settings[key] = value
    k0 = np.loadtxt(os.path.join(directory, "k0.csv"), delimiter=",")
    y = np.loadtxt(os.path.join(directory, "y.csv"), delimiter=",", ndmin=2)
    return settings, k0, y


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: dkm_reference.py DIR (written by ks-bench-dkm --dir DIR)")
    directory = sys.argv[1]
    settings, k0, y = read_problem(directory)
    tolerance = float(settings["tolerance"])
    print("# dkm_reference.py: NumPy %s, SciPy %s, L-BFGS-B (memory 10), %s"
          % (np.__version__, scipy.__version__, settings["stack"]))

    counts = {"evaluations": 0, "iterations": 0, "norm": math.inf, "value": math.nan}
    start_time = time.perf_counter()
    problem = Problem(k0, y, parse_stack(settings["stack"]), float(settings["width_scale"]))
    coordinates = Coordinates(problem, problem.prior_means())

    def fun(z):
        value, gradient, norm, _ = coordinates.evaluate(z)
        counts["evaluations"] += 1
        counts["norm"], counts["value"] = norm, value
        if norm <= tolerance:
            raise Converged(z.copy())
        return value, gradient

    def callback(z):
        counts["iterations"] += 1

    z0 = np.zeros(len(problem.variables) * coordinates.block)
    status = "max-iterations"
    try:
        result = optimize.minimize(fun, z0, jac=True, method="L-BFGS-B", callback=callback,
                                   options={"maxcor": 10, "maxiter": 1000, "maxfun": 100000,
                                            "gtol": 0.0, "ftol": 0.0})
        z = result.x
        status = "stopped: " + str(result.message).replace(" ", "_")
    except Converged as converged:
        z = converged.z
        status = "converged"
    seconds = time.perf_counter() - start_time

    _, _, norm, gs = coordinates.evaluate(z)
    print("dkm\t%.6f\titerations=%d evaluations=%d objective=%.12g gradient=%.3e status=%s"
          % (seconds, counts["iterations"], counts["evaluations"], -counts["value"], norm,
             status))
    # How far the two solutions are apart, relative to the kernels.
    paths = [os.path.join(directory, "solution-%d.csv" % k) for k in range(len(gs))]
    if all(os.path.exists(p) for p in paths):
        difference = max(np.linalg.norm(g - np.loadtxt(p, delimiter=",")) / np.linalg.norm(g)
                         for g, p in zip(gs, paths))
        print("# dkm_reference.py: largest relative difference to Kernelscope's G_l: %.2e"
              % difference)


if __name__ == "__main__":
    main()
