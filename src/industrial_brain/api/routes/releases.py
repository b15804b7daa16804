"""Releases of enterprise aggregates: list them (public) and make one (admin, a background job).

A release is the versioned, audited snapshot that ``GET /enterprises/aggregates`` serves
(:mod:`industrial_brain.services.releases`; the rules: :mod:`industrial_brain.micro.disclosure`).
These routes share the ``/enterprises`` prefix and are mounted before the enterprise routes, so
``/enterprises/releases`` is never read as an enterprise id.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from industrial_brain.api.deps import CurrentRole, StoreDep, cached, records, render, require_roles
from industrial_brain.api.routes.jobs import job
from industrial_brain.api.schemas import JobPublic, Message, ReleaseIn, ReleasesPublic
from industrial_brain.api.security import Principal
from industrial_brain.services import releases as service

router = APIRouter(prefix="/enterprises", tags=["enterprises"])
Admin = Annotated[Principal, Depends(require_roles("admin"))]


@router.get("/releases", response_model=ReleasesPublic)
def releases(
    request: Request,
    store: StoreDep,
    who: CurrentRole,
    model: Annotated[str | None, Query(max_length=80, description="only this model's releases")] = None,
):
    """Release headers, newest first: id, model, time made (UTC), period, k, p, n_min, enterprises."""

    def make():
        f = service.release_list(store, model_code=model or None)
        return render({"data": records(f), "count": len(f)})

    return cached(request, who, make)


@router.post(
    "/releases",
    response_model=JobPublic,
    status_code=202,
    responses={400: {"model": Message}, 401: {"model": Message}, 403: {"model": Message}},
)
def make_release(request: Request, store: StoreDep, who: Admin, body: ReleaseIn):
    """Make a release in the background (admin); poll ``/jobs/{job_id}``. The result names the
    release and how many cells its audit withheld."""

    def work(s, progress):
        rel = service.make_release(
            s,
            model_code=body.model,
            period=body.period,
            k=body.k,
            p=body.p,
            n_min=body.n_min,
            made_by=who.actor,
            progress=progress,
        )
        return {**rel.header, "withheld": list(rel.audit.dropped), "clean": rel.audit.clean}

    job_id = request.app.state.jobs.submit(store, who, "release", body.model_dump(), work)
    return job(store, who, job_id)
