"""Benchmark: automatic quality screening of a generated (SYNTHETIC) 5 M-row long panel.

Compares ``screen_panel`` (all nine checks) with a bare pandas baseline that does only the first
step of one check — log growth per series and its cross-regional median per indicator-year — and
prints rows/s and the ratio. Not part of the tests. Run:

    .venv/bin/python benchmarks/bench_screening.py
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from industrial_brain.quality import screen_panel


def synthetic_panel(C: int, R: int, T: int, seed: int = 12345) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    g = 0.05 + 0.02 * rng.standard_normal((C, R, T))
    v = 100 * np.exp(np.cumsum(g, axis=2))
    idx = pd.MultiIndex.from_product(
        [[f"ind{c}" for c in range(C)], [f"{r:06d}" for r in range(R)], range(1990, 1990 + T)],
        names=["indicator_code", "region_code", "year"],
    )
    return pd.DataFrame({"value": v.ravel()}, index=idx).reset_index()


def baseline(obs: pd.DataFrame) -> pd.Series:
    df = obs.sort_values(["indicator_code", "region_code", "year"])
    g = np.log(df["value"]).groupby([df["indicator_code"], df["region_code"]]).diff()
    return g.groupby([df["indicator_code"], df["year"]]).median()


def main() -> None:
    for C, R, T in [(4500, 31, 36), (90, 2800, 20)]:
        obs = synthetic_panel(C, R, T)
        t0 = time.perf_counter()
        notes = screen_panel(obs, "bench")
        t_screen = time.perf_counter() - t0
        t0 = time.perf_counter()
        baseline(obs)
        t_base = time.perf_counter() - t0
        print(
            f"{len(obs):,} rows ({C} indicators × {R} regions × {T} years): screen_panel {t_screen:.2f} s "
            f"({len(obs) / t_screen / 1e6:.2f} M rows/s, {len(notes)} notes); bare pandas growth+median "
            f"{t_base:.2f} s; ratio screen/baseline {t_screen / t_base:.2f}"
        )


if __name__ == "__main__":
    main()
