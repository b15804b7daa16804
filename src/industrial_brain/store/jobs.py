"""Background jobs of the REST API (``api_job``): status, progress, result or error.

The one reader and writer of the table. ``params`` and ``result`` are JSON text.
"""

from __future__ import annotations

from industrial_brain.store.connection import Store

#: Columns of :func:`job_row` (times as ISO text, ``result`` as JSON text).
JOB_COLUMNS = (
    "job_id, kind, status, progress, error, result::VARCHAR AS result, owner, "
    "created_at::VARCHAR AS created_at, finished_at::VARCHAR AS finished_at"
)


def insert_job(store: Store, job_id: str, kind: str, params_json: str, owner: str) -> None:
    """Write a new job, status ``queued`` (call inside the submission's transaction)."""
    store.con.execute(
        "INSERT INTO api_job (job_id, kind, status, progress, params, owner, created_at) "
        "VALUES (?, ?, 'queued', 0, ?, ?, now())",
        [job_id, kind, params_json, owner],
    )


def mark_running(store: Store, job_id: str) -> None:
    """Status ``running``."""
    store.con.execute("UPDATE api_job SET status = 'running' WHERE job_id = ?", [job_id])


def set_progress(store: Store, job_id: str, fraction: float) -> None:
    """Record progress ``fraction`` (clipped to 0…1)."""
    store.con.execute(
        "UPDATE api_job SET progress = ? WHERE job_id = ?", [float(min(max(fraction, 0.0), 1.0)), job_id]
    )


def finish_job(store: Store, job_id: str, result_json: str) -> None:
    """Status ``done`` with its result (JSON text), progress 1 and the finishing time."""
    store.con.execute(
        "UPDATE api_job SET status = 'done', progress = 1, result = ?, finished_at = now() WHERE job_id = ?",
        [result_json, job_id],
    )


def fail_job(store: Store, job_id: str, error: str) -> None:
    """Status ``failed`` with a one-line ``error`` and the finishing time."""
    store.con.execute(
        "UPDATE api_job SET status = 'failed', error = ?, finished_at = now() WHERE job_id = ?",
        [error, job_id],
    )


def fail_unfinished(store: Store, error: str) -> list[str]:
    """Mark every job still ``queued`` or ``running`` as ``failed`` with ``error``; return their ids.

    Only a server that owns the store calls this, when it starts: no job of an earlier process can
    still be working then, so an unfinished row is one a stop or crash interrupted.
    """
    rows = store.con.execute(
        "UPDATE api_job SET status = 'failed', error = ?, finished_at = now() "
        "WHERE status IN ('queued', 'running') RETURNING job_id",
        [error],
    ).fetchall()
    return sorted(r[0] for r in rows)


def job_row(store: Store, job_id: str) -> dict | None:
    """One job as a dict of :data:`JOB_COLUMNS` (missing values as None), or None when there is none."""
    cur = store.con.execute(f"SELECT {JOB_COLUMNS} FROM api_job WHERE job_id = ?", [job_id])
    row = cur.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cur.description], row))
