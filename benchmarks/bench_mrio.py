"""Benchmark: the 31-province MRIO of 2017 — construction, accounts and chain graph on the real tables.

* ``build``: ``meso.mrio.build_mrio`` on the 31 provincial tables already in memory (transit, reconciliation,
  42 gravity-RAS trade matrices, Chenery–Moses flows, identity checks);
* ``accounts``: ``meso.mrio_accounts.mrio_accounts`` (one LU of (I − A)ᵀ, solves) against the same numbers by
  bare numpy with an explicit ``np.linalg.inv`` (value added in trade, spillover matrix, block column sums
  of L);
* ``digital``: ``meso.digital.digital_integration`` on the 2020 national table against bare numpy.

Usage::

    .venv/bin/python benchmarks/bench_mrio.py

Prints times (median of 3) and ratios; a temporary store with the default data is created and removed.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import numpy as np


def timed(fn, repeat: int = 3):
    ts, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts), out


def main() -> None:
    from industrial_brain.services.defaults import init_store
    from industrial_brain.meso.digital import digital_integration
    from industrial_brain.meso.mrio import build_mrio
    from industrial_brain.meso import mrio_accounts
    from industrial_brain.services.io import PROVINCIAL_PREFIX, load_table
    from industrial_brain.store import Store
    from industrial_brain.store.readers import io_tables, read_io_table

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.duckdb")
        init_store(store)
        t0 = time.perf_counter()
        ids = [t for t in io_tables(store)["table_id"] if t.startswith(PROVINCIAL_PREFIX)]
        provs = {st.region_code: st for st in (read_io_table(store, t) for t in ids)}
        t_read = time.perf_counter() - t0
        caps = store.query(
            "SELECT code, capital_lon, capital_lat FROM region WHERE level = 'province'"
        ).set_index("code")
        t_build, res = timed(lambda: build_mrio(provs, caps))
        table = res.table
        print(f"read 31 provincial tables      {t_read:8.3f} s")
        print(
            f"build_mrio (31 × 42 = 1,302)   {t_build:8.3f} s   max rel. deviation outflows "
            f"{res.checks['max_rel_dev_outflows']:.1e}"
        )

        def ours():
            table._cache.pop("lu", None)
            table._cache.pop("A", None)
            return mrio_accounts(table)

        def bare():
            with np.errstate(divide="ignore", invalid="ignore"):
                A = table.Z.to_numpy() / table.x.to_numpy()[None, :]
            A[:, table.x.to_numpy() == 0] = 0.0
            L = np.linalg.inv(np.eye(len(A)) - A)
            regs = list(table.regions)
            Y = table.Y
            local = Y.columns.get_level_values(1).isin(["FU101", "FU102", "FU103", "FU201", "FU202"])
            Yd = np.column_stack(
                [Y.loc[:, (Y.columns.get_level_values(0) == r) & local].to_numpy().sum(axis=1) for r in regs]
            )
            X = L @ Yd
            v = table.V.to_numpy().sum(axis=0) / np.where(table.x.to_numpy() > 0, table.x.to_numpy(), np.inf)
            E = np.kron(np.eye(len(regs)), np.ones((1, len(table.sectors))))
            return E @ (v[:, None] * X), (E @ X) / Yd.sum(axis=0)[None, :], E @ L

        t_ours, acc = timed(ours)
        t_bare, (va, S, EL) = timed(bare)
        dev = max(
            np.abs(acc.va_trade.to_numpy()[:, :31] - va).max() / np.abs(va).max(),
            np.abs(acc.spillover.to_numpy() - S).max(),
            np.abs(acc.multiplier_decomposition["total"].to_numpy() - EL.sum(axis=0)).max(),
        )
        print(f"mrio_accounts (LU + solves)    {t_ours:8.3f} s")
        print(
            f"bare numpy (np.linalg.inv)     {t_bare:8.3f} s   ratio ours/bare {t_ours / t_bare:5.2f}   "
            f"max deviation {dev:.1e}"
        )

        nat = load_table(store, "cn_nbs_io_2020_42", basis="total")
        A = nat.A.to_numpy()

        def dig_bare():
            B = np.linalg.inv(np.eye(42) - A) - np.eye(42)
            return A[19] + A[30], B[19] + B[30]

        t_d, r = timed(lambda: digital_integration(nat.A, nat.x), repeat=5)
        t_db, (d, t) = timed(dig_bare, repeat=5)
        dev = max(
            np.abs(r.table["direct"].to_numpy() - d).max(), np.abs(r.table["total"].to_numpy() - t).max()
        )
        print(
            f"digital_integration (42)       {t_d * 1e3:8.2f} ms  bare numpy {t_db * 1e3:6.2f} ms  "
            f"max deviation {dev:.1e}"
        )
        store.close()


if __name__ == "__main__":
    main()
