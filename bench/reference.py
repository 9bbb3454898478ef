#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""NumPy references for ks-bench: the same computations at the same shapes.

Output matches ks-bench: one line per row, "row <TAB> median seconds <TAB> key=value ...",
and lines starting with '#' that describe NumPy and its BLAS.
"""

import argparse
import ctypes
import math
import os
import statistics
import sys
import time

import numpy as np


def sizes(quick):
    s = dict(reps=5, input_dim=64, nngp_points=1000, nngp_depth=20,
             sampler_points=500, sampler_width=512, sampler_depth=10, sampler_samples=16,
             cka_kernels=20, seed=20240611)
    if quick:
        s.update(reps=3, nngp_points=200, sampler_points=100, sampler_width=128,
                 sampler_samples=4)
    return s


def time_median(func, reps):
    """One unmeasured warm-up, then reps timed calls: (median, fastest, slowest)."""
    func()
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), max(times)


def print_row(row, seconds, extra):
    print(f"{row}\t{seconds:.6f}\t{extra}", flush=True)


def input_kernel(s):
    rng = np.random.default_rng(s["seed"])
    x = rng.standard_normal((s["nngp_points"], s["input_dim"]))
    return x @ x.T / s["input_dim"]


def relu_expectations(c):
    """E[relu(f) relu(f)^T] under N(0, C) and the derivative kernel Gdot (MATHS 1)."""
    d = np.sqrt(np.diag(c))
    norms = np.outer(d, d)
    cos = c / norms
    np.clip(cos, -1.0, 1.0, out=cos)
    angle_left = math.pi - np.arccos(cos)           # pi - theta
    sin = np.sqrt(1.0 - cos * cos)                  # sin theta, theta in [0, pi]
    g = norms * (1.0 / (2.0 * math.pi)) * (sin + angle_left * cos)
    gdot = angle_left * (1.0 / (2.0 * math.pi))
    return g, gdot


def nngp_propagate(k0, depth, with_ntk, weight_var=2.0):
    """Every layer's NNGP (and NTK) of (dense:inf:wv=2, relu) x depth; all are kept."""
    nngp, ntk = [], []
    g, theta = k0, None
    for _ in range(depth):
        c = weight_var * g
        nngp.append(c)
        if with_ntk:
            theta = c if theta is None else c + weight_var * theta
            ntk.append(theta)
        g, gdot = relu_expectations(c)
        nngp.append(g)
        if with_ntk:
            theta = theta * gdot
            ntk.append(theta)
    return nngp, ntk


def bench_nngp(s):
    k0 = input_kernel(s)
    extra = f"P={s['nngp_points']} layers={2 * s['nngp_depth']} reps={s['reps']}"
    for row, with_ntk in (("nngp", False), ("nngp_ntk", True)):
        med, lo, hi = time_median(lambda: nngp_propagate(k0, s["nngp_depth"], with_ntk),
                                  s["reps"])
        print_row(row, med, f"{extra} min={lo:.6f} max={hi:.6f}")


def sample_prior(x, width, depth, n_samples, seed):
    """Mean, sample std and sample 0 of every layer's Gram matrix (dense and ReLU)."""
    rng = np.random.default_rng(seed)
    p = x.shape[0]
    n_layers = 2 * depth
    mean = np.zeros((n_layers, p, p))
    m2 = np.zeros((n_layers, p, p))
    first = None
    for sample in range(n_samples):
        h = x
        grams = []
        for _ in range(depth):
            fan_in = h.shape[1]
            f = h @ rng.standard_normal((fan_in, width))
            f *= math.sqrt(2.0 / fan_in)
            g = f @ f.T                                 # NumPy uses SYRK for A @ A.T
            g *= 1.0 / width
            grams.append(g)
            h = np.maximum(f, 0.0)
            g = h @ h.T
            g *= 1.0 / width
            grams.append(g)
        if first is None:
            first = grams
        for layer, g in enumerate(grams):           # Welford's running mean and M2
            delta = g - mean[layer]
            mean[layer] += delta * (1.0 / (sample + 1))
            m2[layer] += delta * (g - mean[layer])
    std = np.sqrt(m2 / (n_samples - 1)) if n_samples > 1 else np.zeros_like(m2)
    return mean, std, first


def sampler_flops(s):
    """The dominant products, counted exactly as ks-bench counts them."""
    p, n, d = s["sampler_points"], s["sampler_width"], s["input_dim"]
    features = 2.0 * p * d * n + (s["sampler_depth"] - 1) * 2.0 * p * n * n
    grams = 2.0 * s["sampler_depth"] * p * p * n
    return s["sampler_samples"] * (features + grams)


def bench_sampler(s):
    rng = np.random.default_rng(s["seed"])
    x = rng.standard_normal((s["sampler_points"], s["input_dim"]))
    med, lo, hi = time_median(
        lambda: sample_prior(x, s["sampler_width"], s["sampler_depth"],
                             s["sampler_samples"], s["seed"]), s["reps"])
    gflop = sampler_flops(s) * 1e-9
    print_row("sampler", med,
              f"P={s['sampler_points']} width={s['sampler_width']} "
              f"layers={2 * s['sampler_depth']} samples={s['sampler_samples']} "
              f"reps={s['reps']} min={lo:.6f} max={hi:.6f} gflop={gflop:.3f} "
              f"gflops={gflop / med:.2f}")


def cka_matrix(kernels):
    """Linear CKA between all pairs: centre and normalise each kernel, one product."""
    n, p = len(kernels), kernels[0].shape[0]
    stacked = np.empty((n, p * p))
    for i, k in enumerate(kernels):
        centred = k - k.mean(axis=0)[None, :] - k.mean(axis=1)[:, None] + k.mean()
        stacked[i] = centred.ravel()
        stacked[i] *= 1.0 / np.linalg.norm(stacked[i])
    return stacked @ stacked.T


def bench_cka(s):
    nngp, _ = nngp_propagate(input_kernel(s), s["nngp_depth"], False)
    kernels = nngp[1::2][:s["cka_kernels"]]
    med, lo, hi = time_median(lambda: cka_matrix(kernels), s["reps"])
    print_row("cka", med, f"P={s['nngp_points']} kernels={len(kernels)} reps={s['reps']} "
              f"min={lo:.6f} max={hi:.6f}")


def blas_description():
    """The BLAS library NumPy loaded, and OpenBLAS's own account of itself if it is one."""
    try:
        import threadpoolctl
        infos = threadpoolctl.threadpool_info()
        return "; ".join(f"{i.get('filepath')} {i.get('internal_api')} {i.get('version')} "
                         f"{i.get('architecture')} threads={i.get('num_threads')}"
                         for i in infos)
    except ImportError:
        pass
    with open("/proc/self/maps") as maps:
        paths = sorted({line.split()[-1] for line in maps
                        if "blas" in line.rsplit("/", 1)[-1]})
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_get_config.restype = ctypes.c_char_p
            lib.openblas_get_corename.restype = ctypes.c_char_p
            return (f"{path}: {lib.openblas_get_config().decode()} "
                    f"(core {lib.openblas_get_corename().decode()}, "
                    f"{lib.openblas_get_num_threads()} threads)")
        except (OSError, AttributeError):
            continue
    return ", ".join(paths) or "unknown (see numpy.show_config())"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", "-q", action="store_true",
                        default=os.environ.get("KS_BENCH_QUICK") == "1",
                        help="small sizes, for development (also KS_BENCH_QUICK=1)")
    parser.add_argument("--reps", "-r", type=int, default=0,
                        help="timed repetitions per row (at least 3)")
    parser.add_argument("--only", "-o", default=None,
                        help="comma-separated rows to run: nngp, sampler, cka")
    args = parser.parse_args()
    s = sizes(args.quick)
    if args.reps:
        if args.reps < 3:
            parser.error("--reps must be at least 3")
        s["reps"] = args.reps
    only = set(args.only.split(",")) if args.only else None

    print(f"# reference.py: numpy {np.__version__}, python {sys.version.split()[0]}, "
          f"BLAS {blas_description()}", flush=True)
    print(f"# reference.py: OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')} "
          f"OPENBLAS_L2_SIZE={os.environ.get('OPENBLAS_L2_SIZE', '(unset)')}, "
          f"median of {s['reps']} after a warm-up", flush=True)
    for name, run in (("nngp", bench_nngp), ("sampler", bench_sampler), ("cka", bench_cka)):
        if only is None or name in only:
            run(s)


if __name__ == "__main__":
    main()
