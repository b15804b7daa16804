"""Benchmark: releases of enterprise aggregates over a SYNTHETIC population, audited across releases.

Run:  .venv/bin/python benchmarks/bench_release.py [n_firms] [releases]     (default 100000 4)

Release 1 is the whole calibrated population (micro/population.py); before each later release 8 %
of the firms are re-assessed (a new assessment: one contributor leaving, one joining) and 3 % more
firms join. Each release builds all six tables (release_cells), audits them against every earlier
release (audit_release) and publishes (publish_tables). The audit is compared with a bare NumPy QR
(``np.linalg.qr``, no pivoting) of the same atom-reduced matrix its last round factorised; ratios
printed. No store: the engine only (the store's part is a few bulk inserts).
"""

from __future__ import annotations

import resource
import sys
import time

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6  # Linux: kB


def final_matrix(cells: pd.DataFrame, members: pd.DataFrame, dropped: set[str], candidate: str) -> np.ndarray:
    """The atom-reduced 0/1 matrix (published rows × atoms) of the audit's last round."""
    from industrial_brain.micro.disclosure import _atoms

    pub = (
        cells["published"].to_numpy()
        & ~((cells["release_id"] == candidate) & cells["key"].isin(dropped)).to_numpy()
    )
    idx = pd.MultiIndex.from_arrays([cells["release_id"], cells["key"]])
    row = idx.get_indexer(pd.MultiIndex.from_arrays([members["release_id"], members["key"]]))
    contrib, _ = pd.factorize(members["contributor"])
    keep = pub[row]
    atom_of, lists = _atoms(row[keep], contrib[keep], int(contrib.max()) + 1)
    used = np.unique(row[keep])
    rpos = np.full(len(cells), -1)
    rpos[used] = np.arange(len(used))
    nonzero = (lists >= 0).any(axis=1)
    Ma = np.zeros((len(used), lists.shape[0]))
    ai, li = np.nonzero(lists >= 0)
    Ma[rpos[lists[ai, li]], ai] = 1.0
    return Ma[:, nonzero]


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    R = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    from industrial_brain.micro.disclosure import SENSITIVE, audit_release, publish_tables, release_cells
    from industrial_brain.micro.model import load_model
    from industrial_brain.micro.population import simulate_population
    from industrial_brain.micro.scoring import score_answers

    rng = np.random.default_rng(0)
    m = load_model("digital_transformation_maturity")
    extra = int(n * 0.03 * (R - 1)) + 1
    t0 = time.perf_counter()
    pop = simulate_population(n + extra, seed=0)
    f = score_answers(m, pop.answers, check_uscc=False).to_frame().reset_index()
    f = f[["uscc", "sector", "region", "size_class", "total_score", "level"]].astype({"level": str})
    print(
        f"SYNTHETIC population: {n:,} firms (+{extra:,} joining later) "
        f"scored in {time.perf_counter() - t0:.1f} s"
    )
    current = f.iloc[:n].assign(assessment_id=[f"{u}/0" for u in f["uscc"].iloc[:n]])
    pool = f.iloc[n:]
    hist_cells, hist_members = [], []
    rows_out = []
    for r in range(R):
        if r:
            redo = rng.random(len(current)) < 0.08
            current = current.copy()
            current.loc[redo, "total_score"] = np.clip(
                current.loc[redo, "total_score"] + rng.normal(3, 5, redo.sum()), 0, 100
            )
            current.loc[redo, "assessment_id"] = [f"{u}/{r}" for u in current.loc[redo, "uscc"]]
            join = pool.iloc[: int(n * 0.03)]
            pool = pool.iloc[int(n * 0.03) :]
            current = pd.concat([current, join.assign(assessment_id=[f"{u}/{r}" for u in join["uscc"]])])
        rid = f"r{r}"
        t1 = time.perf_counter()
        cand = release_cells(current, k=3, p=10)
        t_cells = time.perf_counter() - t1
        c = cand.cells
        now = pd.DataFrame(
            {
                "release_id": rid,
                "key": c.index.astype(str),
                "n": c["n"].to_numpy(dtype=float),
                "published": (c["suppression"] == "").to_numpy(),
                "sensitive": c["suppression"].isin(SENSITIVE).to_numpy(),
                "candidate": True,
            }
        )
        cells = pd.concat([*hist_cells, now], ignore_index=True)
        members = pd.concat([*hist_members, cand.members.assign(release_id=rid)], ignore_index=True)
        t2 = time.perf_counter()
        audit = audit_release(cells, members, k=3)
        t_audit = time.perf_counter() - t2
        t3 = time.perf_counter()
        publish_tables(cand, audit.dropped)
        t_pub = time.perf_counter() - t3
        Ma = final_matrix(cells, members, set(audit.dropped), rid)
        with threadpool_limits(limits=1, user_api="blas"):
            t4 = time.perf_counter()
            np.linalg.qr(Ma.T, mode="reduced")
            t_qr = time.perf_counter() - t4
        rows_out.append(
            {
                "release": r + 1,
                "contributors": members["contributor"].nunique(),
                "rows": Ma.shape[0],
                "atoms": Ma.shape[1],
                "rank": audit.rank,
                "rounds": audit.rounds,
                "withheld": len(audit.dropped),
                "cells_s": round(t_cells, 2),
                "audit_s": round(t_audit, 2),
                "publish_s": round(t_pub, 2),
                "numpy_qr_s": round(t_qr, 3),
                "audit/qr": round(t_audit / t_qr, 1),
                "audit/(rounds*qr)": round(t_audit / (audit.rounds * t_qr), 2),
            }
        )
        print(pd.DataFrame(rows_out[-1:]).to_string(index=False), flush=True)
        hist_cells.append(
            now.assign(candidate=False, published=now["published"] & ~now["key"].isin(audit.dropped))
        )
        hist_members.append(cand.members.assign(release_id=rid))
    print()
    print(pd.DataFrame(rows_out).to_string(index=False))
    print(f"peak RSS {peak_rss_gb():.2f} GB; BLAS on one thread for both the audit and the reference QR")
