"""Background jobs (stress scenarios and other long runs) with status and progress in ``api_job``.

A job function has the signature ``fn(store, progress) -> dict`` where ``progress(fraction)``
records 0…1. The job's store carries its submitter as ``owner``: every analysis run the job saves
belongs to that account (only it and admin may list or read it, :mod:`industrial_brain.services.access`).
Jobs run in a small thread pool inside the server process, each on its own cursor.
The rows are written and read by :mod:`industrial_brain.services.jobs`.
"""

from __future__ import annotations

import json
import math
import traceback
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from industrial_brain.services.access import Principal
from industrial_brain.errors import IndustrialBrainError
from industrial_brain.services import jobs
from industrial_brain.store.connection import Store

JobFn = Callable[[Store, Callable[[float], None]], Any]


class JobRunner:
    """A thread pool running submitted jobs on cursors of the server's store (``base``).

    ``on_done`` is called after each job (the app clears its answer cache: a job may have stored a run).
    """

    def __init__(self, base: Store, workers: int = 2, on_done: Callable[[], None] | None = None):
        self.base = base
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ibrain-job")
        self.on_done = on_done
        self._queued: dict[str, Future] = {}

    def submit(self, store: Store, who: Principal, kind: str, params: dict, fn: JobFn) -> str:
        """Queue ``fn`` as a job of ``kind`` owned by the caller (audited); return the new job id."""
        job_id = f"{kind}-{uuid.uuid4().hex[:12]}"
        jobs.submit_job(store, job_id, kind, json.dumps(params, ensure_ascii=False), who.actor)
        self._queued[job_id] = self.pool.submit(self._run, job_id, fn, who.username)
        return job_id

    def _run(self, job_id: str, fn: JobFn, owner: str | None = None) -> None:
        self._queued.pop(job_id, None)
        s = self.base.cursor(f"job {job_id}", wait=math.inf)  # through the lease gate; waits out a lease
        s.owner = owner  # every run the job saves belongs to its submitter (services.access)
        try:
            jobs.start_job(s, job_id)
            result = fn(s, lambda frac: jobs.job_progress(s, job_id, frac))
            jobs.finish_job(s, job_id, json.dumps(result, ensure_ascii=False, default=str))
        except IndustrialBrainError as exc:
            jobs.fail_job(s, job_id, str(exc))
        except Exception as exc:  # a bug: keep the server alive, record the error
            traceback.print_exc()
            jobs.fail_job(s, job_id, f"internal error: {type(exc).__name__}: {exc}"[:500])
        finally:
            s.close()
            if self.on_done:
                self.on_done()

    def shutdown(self) -> None:
        """Stop accepting jobs, wait for the running ones, and cancel the queued ones: they are marked
        failed (:data:`~industrial_brain.services.jobs.INTERRUPTED`) now, or when the next server
        starts if the store cannot be reached now (lent to a command-line process)."""
        self.pool.shutdown(wait=True, cancel_futures=True)
        cancelled = [job_id for job_id, f in self._queued.items() if f.cancelled()]
        self._queued.clear()
        if not cancelled:
            return
        try:
            s = self.base.cursor("shutdown", wait=1.0)
        except IndustrialBrainError:  # lent or closed: the next start marks them
            return
        try:
            for job_id in cancelled:
                jobs.fail_job(s, job_id, jobs.INTERRUPTED)
        finally:
            s.close()
