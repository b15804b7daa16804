"""Status and progress of background jobs (callers see their own jobs; admin sees all)."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Path

from industrial_brain._shared.error_zh import error_zh
from industrial_brain.api.deps import StoreDep
from industrial_brain.api.params import Member
from industrial_brain.api.schemas import JobPublic, Message
from industrial_brain.errors import InputError
from industrial_brain.services import access
from industrial_brain.services import jobs as job_service

router = APIRouter(prefix="/jobs", tags=["jobs"])


def job_public(row: dict) -> JobPublic:
    """A stored job row as the API shows it (``result`` parsed from its JSON text)."""
    res = row.get("result")
    return JobPublic(
        job_id=row["job_id"],
        kind=row["kind"],
        status=row["status"],
        progress=float(row["progress"]),
        error=row.get("error"),
        error_zh=error_zh(row["error"]) if row.get("error") else None,
        result=json.loads(res) if res else None,
        created_at=row.get("created_at"),
        finished_at=row.get("finished_at"),
    )


@router.get(
    "/{job_id}",
    response_model=JobPublic,
    responses={400: {"model": Message}, 401: {"model": Message}, 403: {"model": Message}},
)
def job(store: StoreDep, who: Member, job_id: Annotated[str, Path(max_length=80)]):
    """Status (queued, running, done, failed), progress 0…1 and, when done, the result."""
    row = job_service.job(store, job_id)
    if row is None:
        raise InputError.at(
            "unknown job", column="job_id", value=job_id, expected="an id returned when the job was submitted"
        )
    access.check_job(who, row["owner"], job_id)
    res = json.loads(row["result"]) if row.get("result") else None
    if isinstance(res, dict) and isinstance(res.get("run_id"), str):  # the result is the run's data
        try:
            access.check_run(store, who, res["run_id"])
        except InputError:  # the run is no longer stored: the status alone
            pass
    return job_public(row)
