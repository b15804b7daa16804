"""Benchmark of the macro pipeline on a synthetic panel (2,800 regions × 20 years × 40 indicators).

Pipeline (timed as one block): pooled min–max normalisation → entropy weights → weighted-sum
sub-indices (digital economy: indicators 0–19, real economy: 20–39) → coupling coordination of the
two sub-indices → Dagum Gini with 4 groups for every year → global Moran's I with 999 permutations
for every year on k-nearest-neighbour weights (k = 8) built from synthetic coordinates.

Then, in the same run, the peer: esda.Moran (999 permutations) on the same data and weights for
every year, and local Moran (999 conditional permutations) for one year in both; ratios printed.
Peak RSS from resource.getrusage. Targets: pipeline < 10 s on 2 cores, < 2 GB.

All data here are synthetic (random numbers with a spatial trend), generated with a fixed seed.

    .venv/bin/python benchmarks/bench_macro.py [--regions 2800 --years 20 --indicators 40] [--store]
"""

from __future__ import annotations

import argparse
import resource
import time
import warnings

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.spatial import cKDTree

from industrial_brain.macro import dagum_gini, moran, moran_local, moran_panel, spatial_weights
from industrial_brain.macro.coupling import coupling_coordination


def synthetic_panel(n_regions: int, n_years: int, n_ind: int, seed: int = 20240501):
    """Synthetic (region, year) × indicator panel with a spatial gradient and a time trend."""
    rng = np.random.default_rng(seed)
    xy = rng.random((n_regions, 2))
    smooth = np.sin(3 * xy[:, 0]) + np.cos(2 * xy[:, 1])  # spatially smooth regional level
    groups = np.where(
        xy[:, 1] > 0.8,
        "Northeast",
        np.where(xy[:, 0] > 0.6, "East", np.where(xy[:, 0] > 0.35, "Central", "West")),
    )
    years = np.arange(2004, 2004 + n_years)
    load = rng.uniform(0.5, 1.5, size=n_ind)
    base = smooth[:, None, None] * load[None, None, :]
    trend = 0.05 * np.arange(n_years)[None, :, None]
    noise = rng.normal(0, 0.4, size=(n_regions, n_years, n_ind))
    vals = np.exp(0.5 * (base + trend + noise)) * rng.uniform(1, 100, size=n_ind)[None, None, :]
    idx = pd.MultiIndex.from_product(
        [[f"R{i:05d}" for i in range(n_regions)], years], names=["region", "year"]
    )
    cols = [f"x{j:02d}" for j in range(n_ind)]
    panel = pd.DataFrame(vals.reshape(-1, n_ind), index=idx, columns=cols)
    directions = {c: ("-" if j % 10 == 9 else "+") for j, c in enumerate(cols)}
    return panel, directions, xy, pd.Series(groups, index=idx.levels[0])


def knn_weights(xy: np.ndarray, k: int = 8) -> sparse.csr_matrix:
    """Binary k-nearest-neighbour weights (scipy cKDTree)."""
    n = xy.shape[0]
    _, nb = cKDTree(xy).query(xy, k=k + 1)
    rows = np.repeat(np.arange(n), k)
    return sparse.csr_matrix((np.ones(n * k), (rows, nb[:, 1:].ravel())), shape=(n, n))


def pipeline(panel, directions, xy, groups, permutations=999, seed=1):
    from industrial_brain.macro import normalize
    from industrial_brain.macro.aggregate import weighted_arithmetic
    from industrial_brain.macro.weights import entropy_weights

    t = {}
    t0 = time.perf_counter()
    Xn = normalize(panel, directions, method="minmax", shift=1e-4, shift_mode="rescale").X  # in [1e-4, 1]
    t["normalise"] = time.perf_counter() - t0
    cols = list(panel.columns)
    half = len(cols) // 2
    s = time.perf_counter()
    w1 = entropy_weights(Xn[cols[:half]]).weights
    w2 = entropy_weights(Xn[cols[half:]]).weights
    t["entropy"] = time.perf_counter() - s
    s = time.perf_counter()
    U1 = weighted_arithmetic(Xn[cols[:half]], w1)
    U2 = weighted_arithmetic(Xn[cols[half:]], w2)
    U = pd.DataFrame({"digital": U1, "real": U2})
    t["index"] = time.perf_counter() - s
    s = time.perf_counter()
    cc = coupling_coordination(U)
    t["coupling"] = time.perf_counter() - s
    s = time.perf_counter()
    D = cc.to_frame()["D"].unstack("year")  # regions × years
    dg = {yr: dagum_gini(D[yr], groups.reindex(D.index)) for yr in D.columns}
    t["dagum"] = time.perf_counter() - s
    s = time.perf_counter()
    W = knn_weights(xy)
    sw = spatial_weights(W, ids=D.index)
    t["weights"] = time.perf_counter() - s
    s = time.perf_counter()
    mi = moran_panel(D, sw, permutations=permutations, seed=seed)  # every year, shared relabellings
    t["moran"] = time.perf_counter() - s
    t["total"] = time.perf_counter() - t0
    return t, D, W, cc, dg, mi


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--regions", type=int, default=2800)
    ap.add_argument("--years", type=int, default=20)
    ap.add_argument("--indicators", type=int, default=40)
    ap.add_argument("--permutations", type=int, default=999)
    ap.add_argument("--no-peer", action="store_true")
    ap.add_argument(
        "--store",
        action="store_true",
        help="also time the store pipeline (services.macro.run_macro) on the embedded default data",
    )
    a = ap.parse_args()

    panel, directions, xy, groups = synthetic_panel(a.regions, a.years, a.indicators)
    print(
        f"synthetic panel: {panel.shape[0]:,} rows × {panel.shape[1]} indicators "
        f"({a.regions} regions × {a.years} years)"
    )
    t, D, W, cc, dg, mi = pipeline(panel, directions, xy, groups, a.permutations)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for k, v in t.items():
        print(f"  {k:<10} {v:8.3f} s")
    last = D.columns[-1]
    print(f"pipeline total {t['total']:.2f} s (target < 10 s); peak RSS {rss_mb:,.0f} MB (target < 2,048 MB)")
    print(
        f"  check: mean D {float(np.mean(cc.D)):.4f}; Dagum G {dg[last].gini:.4f} = "
        f"{dg[last].within:.4f} + {dg[last].net_between:.4f} + {dg[last].transvariation:.4f}; "
        f"Moran I {mi[last].I:.4f} (p_sim {mi[last].p_sim:.4f})"
    )

    if a.store:
        store_pipeline(a.permutations)
    if a.no_peer:
        return
    try:
        import esda
        import libpysal
    except ImportError:
        print("esda/libpysal not installed: no peer comparison")
        return
    warnings.simplefilter("ignore")
    wl = libpysal.weights.WSP(W).to_W(silence_warnings=True)
    sw = spatial_weights(W, ids=D.index)
    # global, every year, same permutations count
    s = time.perf_counter()
    moran_panel(D, sw, permutations=a.permutations, seed=1)
    ours = time.perf_counter() - s
    s = time.perf_counter()
    for yr in D.columns:
        moran(D[yr].to_numpy(), sw, permutations=a.permutations, seed=1)
    ours_loop = time.perf_counter() - s
    s = time.perf_counter()
    ref = {}
    for yr in D.columns:
        ref[yr] = esda.Moran(D[yr].to_numpy(), wl, permutations=a.permutations)
    peer = time.perf_counter() - s
    assert abs(ref[last].I - mi[last].I) < 1e-12 and abs(ref[last].VI_rand - mi[last].VI_rand) < 1e-12
    print(
        f"global Moran, {len(D.columns)} years × {a.permutations} permutations, n = {a.regions}: "
        f"ours (moran_panel) {ours:.3f} s, ours (moran per year) {ours_loop:.3f} s, esda {peer:.3f} s; "
        f"esda/ours = {peer / ours:.2f}× (panel), {peer / ours_loop:.2f}× (per year)"
    )

    # one year, best of 3, to show the per-call figure without loop noise
    def best(f, rep=3):
        b = 1e9
        for _ in range(rep):
            s = time.perf_counter()
            f()
            b = min(b, time.perf_counter() - s)
        return b

    y = D[last].to_numpy()
    o1 = best(lambda: moran(y, sw, permutations=a.permutations, seed=1))
    p1 = best(lambda: esda.Moran(y, wl, permutations=a.permutations))
    print(
        f"global Moran, one year: ours {o1 * 1e3:.1f} ms, esda {p1 * 1e3:.1f} ms, esda/ours = {p1 / o1:.2f}×"
    )
    o2 = best(lambda: moran_local(y, sw, permutations=a.permutations, seed=1), 2)
    p2 = best(lambda: esda.Moran_Local(y, wl, permutations=a.permutations, seed=1), 2)
    print(
        f"local Moran, one year: ours {o2 * 1e3:.1f} ms, esda {p2 * 1e3:.1f} ms, esda/ours = {p2 / o2:.2f}× "
        f"(esda without numba)"
        if not _has_numba()
        else f"local Moran, one year: ours {o2 * 1e3:.1f} ms, esda {p2 * 1e3:.1f} ms, "
        f"esda/ours = {p2 / o2:.2f}×"
    )


def store_pipeline(permutations: int) -> None:
    """Time ``run_macro`` (read panel → 3 indices → coupling → obstacles → Dagum/Theil → convergence →
    KDE → global and local Moran → save with lineage) on a temporary store with the default data."""
    import tempfile
    from pathlib import Path

    from industrial_brain.services.defaults import init_store
    from industrial_brain.services.macro import run_macro
    from industrial_brain.store import Store

    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.duckdb") as st:
        init_store(st)
        run_macro(st, permutations=permutations, save=False)  # warm-up (imports, linearmodels)
        best = 1e9
        for _ in range(3):
            s = time.perf_counter()
            r = run_macro(st, permutations=permutations)
            best = min(best, time.perf_counter() - s)
    print(
        f"store pipeline (31 provinces × {len(r.years)} years, 3 indices, {permutations} permutations, "
        "saved): "
        f"best of 3 {best:.3f} s"
    )


def _has_numba() -> bool:
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    main()
