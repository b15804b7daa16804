"""Benchmark: one province's briefing (Zhejiang, 330000) from a store holding the default data and one
macro run, per format: the content (newest stored run reloaded, default year, ranks, obstacles,
panels, quality marks) and the file (HTML with charts, PDF through WeasyPrint, DOCX through
python-docx). Each line is one fresh request, the run reloaded each time. Target (issue 17): a
province's briefing under 10 s in every format.

    .venv/bin/python benchmarks/bench_brief.py [--db FILE] [--lang zh|en] [--repeat N]

Without ``--db`` a temporary store is made (default data, one macro pipeline run); its time is not
counted.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from industrial_brain.report.briefing import FORMATS, render_briefing
from industrial_brain.services.briefing import briefing
from industrial_brain.services.defaults import init_store
from industrial_brain.services.macro import macro_runs, run_macro
from industrial_brain.store import Store

TARGET_S = 10.0
CODE = "330000"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path)
    ap.add_argument("--lang", default="zh", choices=("zh", "en"))
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    db = args.db or Path(tmp.name) / "bench.duckdb"
    with Store(db) as s:
        if args.db is None:
            init_store(s)
        if macro_runs(s).empty:
            run_macro(s)
    worst = 0.0
    with Store(db, read_only=True) as s:
        for fmt in FORMATS:
            for i in range(args.repeat):
                t0 = time.perf_counter()
                b = briefing(s, "region", CODE, lang=args.lang)
                t1 = time.perf_counter()
                data = render_briefing(b, fmt)
                t2 = time.perf_counter()
                worst = max(worst, t2 - t0)
                print(
                    f"{fmt:5s} #{i + 1}: {t2 - t0:6.2f} s  (content {t1 - t0:5.2f} s, file {t2 - t1:5.2f} s, "
                    f"{len(data) / 1024:,.0f} KiB)"
                )
    ok = worst < TARGET_S
    print(f"slowest {worst:.2f} s; target < {TARGET_S:g} s: {'met' if ok else 'MISSED'}")
    tmp.cleanup()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
