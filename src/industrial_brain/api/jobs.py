"""Background jobs (stress scenarios and other long runs) with status and progress in ``api_job``.

A job function has the signature ``fn(store, progress) -> dict`` where ``progress(fraction)``
records 0…1. Jobs run in a small thread pool inside the server process, each on its own cursor.
"""

from __future__ import annotations

import json
import math
import traceback
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from industrial_brain.api.security import Principal
from industrial_brain.errors import IndustrialBrainError
from industrial_brain.store.connection import Store

JobFn = Callable[[Store, Callable[[float], None]], Any]


class JobRunner:
    def __init__(self, base: Store, workers: int = 2, on_done: Callable[[], None] | None = None):
        self.base = base
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ibrain-job")
        self.on_done = on_done

    def submit(self, store: Store, who: Principal, kind: str, params: dict, fn: JobFn) -> str:
        job_id = f"{kind}-{uuid.uuid4().hex[:12]}"
        store.con.execute("INSERT INTO api_job VALUES (?, ?, 'queued', 0, ?, NULL, NULL, ?, now(), NULL)",
                          [job_id, kind, json.dumps(params, ensure_ascii=False), who.actor])
        store.con.execute("INSERT INTO audit VALUES (now(), ?, 'job_submit', ?, ?)",
                          [who.actor, f"job:{job_id}", json.dumps(params, ensure_ascii=False)[:2000]])
        self.pool.submit(self._run, job_id, fn)
        return job_id

    def _run(self, job_id: str, fn: JobFn) -> None:
        s = self.base.cursor(f"job {job_id}", wait=math.inf)  # through the lease gate; waits out a lease
        try:
            s.con.execute("UPDATE api_job SET status = 'running' WHERE job_id = ?", [job_id])

            def progress(frac: float) -> None:
                s.con.execute("UPDATE api_job SET progress = ? WHERE job_id = ?",
                              [float(min(max(frac, 0.0), 1.0)), job_id])

            result = fn(s, progress)
            s.con.execute("UPDATE api_job SET status = 'done', progress = 1, result = ?, finished_at = now() "
                          "WHERE job_id = ?", [json.dumps(result, ensure_ascii=False, default=str), job_id])
        except IndustrialBrainError as exc:
            s.con.execute("UPDATE api_job SET status = 'failed', error = ?, finished_at = now() WHERE job_id = ?",
                          [str(exc), job_id])
        except Exception as exc:  # a bug: keep the server alive, record the error
            traceback.print_exc()
            s.con.execute("UPDATE api_job SET status = 'failed', error = ?, finished_at = now() WHERE job_id = ?",
                          [f"internal error: {type(exc).__name__}: {exc}"[:500], job_id])
        finally:
            s.close()
            if self.on_done:
                self.on_done()

    def shutdown(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
