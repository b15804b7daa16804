"""The life of a background job: queued (audited) → running (progress 0…1) → done (result) or failed (error).

The API's job runner (:class:`industrial_brain.api.jobs.JobRunner`) calls these; the rows live in
:mod:`industrial_brain.store.jobs`.
"""

from __future__ import annotations

from industrial_brain.store import jobs as stored
from industrial_brain.store.connection import Store

#: The error of a job found unfinished (``queued`` or ``running``) when a server starts.
INTERRUPTED = "interrupted: the server stopped before the job finished; submit it again"


def submit_job(store: Store, job_id: str, kind: str, params_json: str, owner: str) -> None:
    """Record a queued job and its audit row (``job_submit`` by ``owner``) in one transaction."""
    with store.transaction():
        stored.insert_job(store, job_id, kind, params_json, owner)
        store.audit("job_submit", f"job:{job_id}", params_json, actor=owner)


def start_job(store: Store, job_id: str) -> None:
    """The job has started (status ``running``)."""
    stored.mark_running(store, job_id)


def job_progress(store: Store, job_id: str, fraction: float) -> None:
    """Record the job's progress (0…1; values outside are clipped)."""
    stored.set_progress(store, job_id, fraction)


def finish_job(store: Store, job_id: str, result_json: str) -> None:
    """The job is done; keep its result (JSON text)."""
    stored.finish_job(store, job_id, result_json)


def fail_job(store: Store, job_id: str, error: str) -> None:
    """The job failed with a one-line ``error``."""
    stored.fail_job(store, job_id, error)


def fail_interrupted_jobs(store: Store) -> list[str]:
    """At server start: every job an earlier server left ``queued`` or ``running`` (it was stopped or
    crashed first) becomes ``failed`` with :data:`INTERRUPTED`, audited in one row. Returns their ids."""
    with store.transaction():
        ids = stored.fail_unfinished(store, INTERRUPTED)
        if ids:
            store.audit("job_interrupted", "api_job", f"{len(ids)} job(s): " + ", ".join(ids))
    return ids


def job(store: Store, job_id: str) -> dict | None:
    """A job's status row (``job_id, kind, status, progress, error, result, owner, created_at,
    finished_at``; ``result`` as JSON text), or None when there is no such job."""
    return stored.job_row(store, job_id)
