"""Transactions → region × sector flows at scale: one Ibis expression on DuckDB and on local Spark,
against the bare DuckDB SQL limit, on SYNTHETIC records drawn from the embedded 31-province MRIO.

``--records`` synthetic transactions (default 100 million) of ``--firms`` firms are written as
Parquet (one file per 5 million records, seller and buyer codes dictionary-encoded) into a
temporary directory (``--dir`` to choose one; never the repository) and read once into the page
cache, then each engine runs in a process of its own, its peak memory (the process tree's resident
set, sampled every 0.1 s) and wall time measured:

* ``duckdb``: :func:`industrial_brain.store.portable.region_sector_flows` on DuckDB (2 threads),
  reading the Parquet files. Target: under 60 s and under 8 GB at 100 million records on 2 cores;
* ``sql``: the same join and GROUP BY written by hand in DuckDB SQL (the floor);
* ``spark``: the same Ibis expression on Spark ``local[2]`` (driver memory ``--spark-memory``).

The engines' results are compared (same cells, amounts to 1e-9 relative) and the ratios printed.

    python benchmarks/bench_network.py [--records 100000000] [--firms 1000000] [--skip-spark]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import psutil

SQL = """
WITH f AS (SELECT uscc, substr(region_code, 1, 2) || '0000' AS region, sector_code AS sector
           FROM read_parquet('{firms}'))
SELECT year(t.date) AS year, s.region AS seller_region, s.sector AS seller_sector,
       b.region AS buyer_region, b.sector AS buyer_sector, sum(t.amount_cny) AS amount_cny,
       count(*) AS records
FROM read_parquet('{transactions}/*.parquet') t
JOIN f s ON s.uscc = t.seller_uscc JOIN f b ON b.uscc = t.buyer_uscc
GROUP BY ALL
"""


def generate(directory: Path, records: int, firms: int, seed: int) -> dict[str, Path]:
    from industrial_brain.services.defaults import init_store
    from industrial_brain.services.network import synthetic_network, write_synthetic_parquet
    from industrial_brain.store import Store

    with Store(directory / "defaults.duckdb") as store:
        init_store(store)
        net = synthetic_network(store, n_firms=firms, seed=seed)
    return write_synthetic_parquet(net, directory / "data", n_records=records, seed=seed + 1)


def run_engine(engine: str, data: Path, out: Path, spark_memory: str) -> None:
    """In a child process: aggregate and write the flows as Parquet; print the seconds taken."""
    firms, transactions = data / "firms.parquet", data / "transactions"
    t0 = time.perf_counter()
    started = 0.0
    if engine == "sql":
        import duckdb

        con = duckdb.connect()
        con.execute("SET threads = 2")
        frame = con.execute(SQL.format(firms=firms, transactions=transactions)).df()
    else:
        import ibis

        from industrial_brain.store import portable

        if engine == "spark":  # the session's start (JVM, seconds) is not the query's time
            portable.spark_session("local[2]", **{"spark.driver.memory": spark_memory})
            started = time.perf_counter() - t0
            t0 = time.perf_counter()
            tables = portable.connect("spark", firm_path=firms, transaction_path=transactions)
        else:
            tables = portable.connect("duckdb", firm_path=firms, transaction_path=transactions)
            tables.backend.raw_sql("SET threads = 2")
        frame = portable.collect(tables, portable.region_sector_flows(tables))
        del ibis
    seconds = time.perf_counter() - t0
    frame.to_parquet(out)
    print(json.dumps({"seconds": seconds, "start_seconds": started, "cells": len(frame)}))


def measured(engine: str, data: Path, out: Path, spark_memory: str) -> dict:
    """Run one engine in a child process; its seconds, cells and the tree's peak RSS (GiB)."""
    cmd = [
        sys.executable,
        __file__,
        "--child",
        engine,
        "--dir",
        str(data),
        "--out",
        str(out),
        "--spark-memory",
        spark_memory,
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    peak = [0]
    done = threading.Event()

    def sample():
        p = psutil.Process(proc.pid)
        while not done.is_set():
            try:
                rss = sum(q.memory_info().rss for q in [p, *p.children(recursive=True)])
                peak[0] = max(peak[0], rss)
            except psutil.Error:
                pass
            time.sleep(0.1)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    stdout, _ = proc.communicate()
    done.set()
    t.join()
    if proc.returncode != 0:
        raise SystemExit(f"{engine} failed (exit {proc.returncode})")
    res = json.loads(stdout.strip().splitlines()[-1])
    res["peak_gib"] = peak[0] / 1024**3
    return res


def compare(a: Path, b: Path) -> float:
    key = ["year", "seller_region", "seller_sector", "buyer_region", "buyer_sector"]
    fa = pd.read_parquet(a).sort_values(key).reset_index(drop=True)
    fb = pd.read_parquet(b).sort_values(key).reset_index(drop=True)
    assert len(fa) == len(fb) and (fa[key].astype(str).values == fb[key].astype(str).values).all()
    for c in ("records",):
        assert (fa[c].to_numpy() == fb[c].to_numpy()).all(), c
    return float(np.max(np.abs(fa["amount_cny"] / fb["amount_cny"] - 1)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=100_000_000)
    ap.add_argument("--firms", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dir", type=Path, default=None, help="where to write the data (default: a temp dir)")
    ap.add_argument("--skip-spark", action="store_true")
    ap.add_argument("--spark-memory", default="6g")
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        run_engine(args.child, args.dir, args.out, args.spark_memory)
        return
    with tempfile.TemporaryDirectory(prefix="bench-network-", dir=args.dir) as tmp:
        root = Path(tmp)
        t0 = time.perf_counter()
        paths = generate(root, args.records, args.firms, args.seed)
        size = sum(p.stat().st_size for p in paths["transaction"].glob("*.parquet")) / 1024**3
        print(
            f"SYNTHETIC data: {args.records:,} records, {args.firms:,} firms, {size:.2f} GiB Parquet, "
            f"generated in {time.perf_counter() - t0:.0f} s"
        )
        for part in paths["transaction"].glob("*.parquet"):  # into the page cache: no engine reads cold
            part.read_bytes()
        engines = ["sql", "duckdb"] + ([] if args.skip_spark else ["spark"])
        results = {}
        for engine in engines:
            results[engine] = measured(engine, root / "data", root / f"{engine}.parquet", args.spark_memory)
            r = results[engine]
            start = f" (+{r['start_seconds']:.0f} s session start)" if r["start_seconds"] else ""
            print(
                f"{engine:>7}: {r['seconds']:8.1f} s{start}  peak {r['peak_gib']:5.2f} GiB  "
                f"{r['cells']:,} cells  {args.records / r['seconds'] / 1e6:6.2f} M records/s",
                flush=True,
            )
        for engine in engines[1:]:
            dev = compare(root / "sql.parquet", root / f"{engine}.parquet")
            print(f"{engine} vs bare SQL: same cells; largest relative difference of amounts {dev:.1e}")
        base = results["sql"]["seconds"]
        print(f"ratio Ibis-on-DuckDB / bare DuckDB SQL: {results['duckdb']['seconds'] / base:.2f}")
        if "spark" in results:
            ratio = results["spark"]["seconds"] / results["duckdb"]["seconds"]
            print(f"ratio Spark local[2] / Ibis-on-DuckDB: {ratio:.2f} (session start not counted)")
        ok = results["duckdb"]["seconds"] < 60 and results["duckdb"]["peak_gib"] < 8
        print(f"target (DuckDB < 60 s and < 8 GiB at this size): {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
