"""Benchmark: ingest of a generated long panel CSV against a bare DuckDB ``read_csv`` of the same file.

Target (issue: foundation): ≥ 1 M rows/s and ≥ 0.5× bare DuckDB, with validation on.

    python benchmarks/bench_ingest.py [--rows 5000000] [--no-screen]

The file is synthetic: 2,800 made-up region–indicator series would not be province codes, so it
spreads the rows over the 31 provinces × 1901–2100 × as many synthetic indicators as needed.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from industrial_brain.ingest import ingest
from industrial_brain.reference.regions import province_table
from industrial_brain.store import Store


def make_file(path: Path, rows: int) -> None:
    regions = province_table().query("mainland_31 == 1")["code"].to_numpy()
    years = np.arange(1901, 2101)
    per_ind = len(regions) * len(years)
    n_ind = -(-rows // per_ind)
    idx = np.arange(rows)
    ind = idx // per_ind
    rest = idx % per_ind
    rng = np.random.default_rng(0)
    # smooth synthetic series: a level per series, 3 % trend growth and 2 % noise (what statistics look like)
    t = rest % len(years)
    level = rng.lognormal(5, 1, size=n_ind * len(regions))[ind * len(regions) + rest // len(years)]
    value = level * 1.03**t * np.exp(rng.normal(0, 0.02, rows))
    df = pd.DataFrame(
        {
            "region": regions[rest // len(years)],
            "year": years[t],
            "indicator": np.char.add("bench_", ind.astype(str)),
            "value": value,
        }
    )
    df.to_csv(path, index=False)
    pd.DataFrame(
        {"code": [f"bench_{i}" for i in range(n_ind)], "unit": "1", "direction": "+", "min_value": 0.0}
    ).to_csv(path.with_name("bench_indicators.csv"), index=False)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=5_000_000)
    ap.add_argument(
        "--no-screen", action="store_true", help="skip the quality screening (validation stays on)"
    )
    ap.add_argument(
        "--repeat", type=int, default=3, help="runs of each side; the best (least disturbed) counts"
    )
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        csv = tmp / "bench_panel.csv"
        t = time.perf_counter()
        make_file(csv, args.rows)
        print(
            f"generated {args.rows:,} rows ({csv.stat().st_size / 1e6:.0f} MB) in "
            f"{time.perf_counter() - t:.1f} s"
        )

        bares, ourss = [], []
        for k in range(args.repeat):  # alternate the two sides so that both see the same machine load
            con = duckdb.connect(str(tmp / f"bare{k}.duckdb"))
            t = time.perf_counter()
            con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [str(csv)])
            bares.append(time.perf_counter() - t)
            con.close()
            with Store(tmp / f"store{k}.duckdb") as store:
                ingest(store, csv.with_name("bench_indicators.csv"), "indicators")
                t = time.perf_counter()
                report = ingest(store, csv, "panel", screen=not args.no_screen)
                ourss.append(time.perf_counter() - t)
        bare, ours = min(bares), min(ourss)
        print(
            "runs (s): bare "
            + ", ".join(f"{x:.2f}" for x in bares)
            + "; ingest "
            + ", ".join(f"{x:.2f}" for x in ourss)
        )
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rate = report.rows / ours
        print(f"bare DuckDB read_csv → table : {bare:6.2f} s  ({args.rows / bare / 1e6:5.2f} M rows/s)")
        print(
            f"ibrain ingest (validated{'' if args.no_screen else ' + screened'}) : {ours:6.2f} s  "
            f"({rate / 1e6:5.2f} M rows/s)"
        )
        print(f"ratio ingest speed / bare DuckDB : {bare / ours:5.2f}×   (target ≥ 0.5×)")
        print(f"rows/s target ≥ 1 M : {'met' if rate >= 1e6 else 'NOT met'};  peak RSS {peak:,.0f} MB")


if __name__ == "__main__":
    main()
