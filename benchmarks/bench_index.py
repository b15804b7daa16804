"""Benchmark of the composite-index engine on a synthetic panel (2,800 regions x 20 years x 40 indicators).

Compares entropy weights and TOPSIS with pymcdm on the same matrix (56,000 x 40) and times the full
pipeline (normalise, entropy, hierarchical index) and a 200-draw Monte Carlo. Synthetic data only.
Run: .venv/bin/python benchmarks/bench_index.py
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd


def _best(f, repeat=3):
    t = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        t.append(time.perf_counter() - t0)
    return min(t)


def main() -> None:
    from industrial_brain.macro import composite_index, entropy_weights, index_uncertainty, normalize, topsis

    rng = np.random.default_rng(12345)
    R, Y, M = 2800, 20, 40
    idx = pd.MultiIndex.from_product(
        [[f"r{i:04d}" for i in range(R)], range(2001, 2001 + Y)], names=["region", "year"]
    )
    raw = pd.DataFrame(
        rng.lognormal(2.0, 0.8, size=(R * Y, M)), index=idx, columns=[f"i{j:02d}" for j in range(M)]
    )
    system = {
        "code": "bench",
        "follows": "synthetic benchmark",
        "dimensions": [
            {
                "code": f"D{d}",
                "indicators": [
                    {"code": f"i{j:02d}", "direction": "+" if j % 5 else "-"}
                    for j in range(d * 10, d * 10 + 10)
                ],
            }
            for d in range(4)
        ],
    }
    dirs = {f"i{j:02d}": ("+" if j % 5 else "-") for j in range(M)}
    Xn = normalize(raw, dirs).X
    A = raw.to_numpy()
    w = np.full(M, 1.0 / M)
    types = np.array([1 if j % 5 else -1 for j in range(M)])

    t_ours = _best(lambda: entropy_weights(A))
    t_pipe = _best(lambda: composite_index(raw, system), repeat=2)
    t_top = _best(lambda: topsis(Xn, w))
    print(f"panel {R} x {Y} x {M} ({R * Y:,} rows)")
    print(f"entropy weights (ours)        {t_ours * 1e3:8.1f} ms")
    try:
        from pymcdm.methods import TOPSIS
        from pymcdm.weights import entropy_weights as pm_entropy

        t_pm = _best(lambda: pm_entropy(A))
        print(f"entropy weights (pymcdm)      {t_pm * 1e3:8.1f} ms   ratio pymcdm/ours = {t_pm / t_ours:.2f}")
        t_pmt = _best(lambda: TOPSIS()(A, w, types))
        print(f"TOPSIS pooled (ours, on normalised)  {t_top * 1e3:8.1f} ms")
        print(
            f"TOPSIS (pymcdm, incl. its min-max)   {t_pmt * 1e3:8.1f} ms   "
            f"ratio pymcdm/ours = {t_pmt / t_top:.2f}"
        )
    except ImportError:
        print("pymcdm not installed: no peer comparison")
    print(f"full pipeline composite_index {t_pipe:8.2f} s")
    t0 = time.perf_counter()
    index_uncertainty(raw, system, n_draws=200, seed=1)
    print(f"Monte Carlo 200 draws         {time.perf_counter() - t0:8.2f} s")
    try:
        import resource

        print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    except ImportError:  # pragma: no cover
        pass


if __name__ == "__main__":
    main()
