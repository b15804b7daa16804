"""Benchmark: store a filled questionnaire of SYNTHETIC enterprises (``services.assess.ingest_answers``).

Run:  .venv/bin/python benchmarks/bench_assess_store.py [n]

Times the whole atomic ingest (validation, scoring, registry, raw answers and results as JSON, the
suppressed sector × region benchmark, one transaction) and compares it, in the same run, with a bare
DuckDB bulk insert of the same answer frame into a plain table (no validation, no JSON): the floor
any ingest pays to get the rows into the file. Also times reading the results back, a cohort report
and one enterprise profile. Prints rows/s and ratios.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    import duckdb

    from industrial_brain.micro.population import simulate_population
    from industrial_brain.services import assess
    from industrial_brain.store import Store

    pop = simulate_population(n, seed=0)
    with tempfile.TemporaryDirectory() as tmp:
        bare = duckdb.connect(str(Path(tmp) / "bare.duckdb"))
        t0 = time.perf_counter()
        bare.register("pop", pop.answers)
        bare.execute("BEGIN; CREATE TABLE answers AS SELECT * FROM pop; COMMIT")
        t_bare = time.perf_counter() - t0
        bare.close()
        with Store(Path(tmp) / "store.duckdb") as store:
            t1 = time.perf_counter()
            rep = assess.ingest_answers(store, pop.answers, taken_on="2022-12-31")
            t_ing = time.perf_counter() - t1
            t2 = time.perf_counter()
            res = assess.stored_results(store)
            t_read = time.perf_counter() - t2
            t3 = time.perf_counter()
            assess.cohort(store, "region", "2022-01-01", "2023-01-01")
            t_coh = time.perf_counter() - t3
            t4 = time.perf_counter()
            assess.enterprise_profile(store, res["uscc"].iloc[0])
            t_prof = time.perf_counter() - t4
    print(f"{n:,} SYNTHETIC enterprises × {pop.answers.shape[1] - 5} answers")
    print(f"ingest_answers (atomic, validated):  {t_ing:6.2f} s  {n / t_ing:10,.0f} rows/s")
    print(
        f"bare DuckDB CREATE TABLE AS frame:   {t_bare:6.2f} s  {n / t_bare:10,.0f} rows/s  "
        f"ratio ingest/bare = {t_ing / t_bare:.1f}×"
    )
    print(f"stored_results (latest, dims):       {t_read:6.2f} s  {n / t_read:10,.0f} rows/s")
    print(f"cohort by region:                    {t_coh:6.2f} s")
    print(f"enterprise_profile (one firm):       {t_prof:6.2f} s")
    assert rep.n_assessments == n
