"""Stored analysis runs (index, coupling, inequality, spatial, chain, stress … results with lineage).

Any service that saves its results with :func:`industrial_brain.services.results.save_run` is
readable here without further wiring: ``/runs?kind=…`` lists runs, ``/runs/latest?kind=…`` and
``/runs/{run_id}/values`` give the numbers. A run is readable only if the caller may read every
dataset it was computed from, and a run made by a background job only by the account that submitted
it and admin (:mod:`industrial_brain.services.access`). Reads of a run resting on important or core
data are audited, from the answer cache too.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from industrial_brain.api.deps import CSV, CurrentRole, StoreDep, cached, records, render
from industrial_brain.api.params import Fmt
from industrial_brain.api.schemas import Message, Page, RunPublic, RunsPublic
from industrial_brain.api.security import Principal
from industrial_brain.errors import InputError
from industrial_brain.services import access
from industrial_brain.services.runs import readable_runs, run_record, run_values
from industrial_brain.store.connection import Store

router = APIRouter(prefix="/runs", tags=["results"])
REFUSED = {401: {"model": Message}, 403: {"model": Message}}
Kind = Annotated[str | None, Query(max_length=80, description="run kind, e.g. macro_index")]


@router.get("", response_model=RunsPublic)
def list_runs(request: Request, store: StoreDep, who: CurrentRole, kind: Kind = None):
    """Analysis runs the caller may read, newest first (a job's runs: only its owner and admin)."""

    def make():
        f = readable_runs(store, who, kind or None)
        return render({"data": records(f), "count": len(f)})

    # the list holds the caller's own runs: keyed by account (the public list is the shared one)
    return cached(request, who, make, owner=who.username)


def _serve(request: Request, store: Store, who: Principal, run: access.RunAccess, make) -> Response:
    """A run's answer: cached for the run's audience (its owner's, for a job's run), audited when the
    run rests on important or core data."""
    rid = run.row["run_id"]
    return cached(request, who, make, grade=run.grade, owner=run.owner, store=store, what=f"run:{rid}")


@router.get("/latest", response_model=RunPublic, responses={400: {"model": Message}, **REFUSED})
def latest(
    request: Request,
    store: StoreDep,
    who: CurrentRole,
    kind: Annotated[str, Query(max_length=80, description="run kind, e.g. macro_index")],
):
    """The newest readable run of ``kind``."""
    f = readable_runs(store, who, kind or None)
    if not len(f):
        raise InputError.at(
            "no run of this kind", column="kind", value=kind, expected="a kind listed by /api/v1/runs"
        )
    rid = f["run_id"].iloc[0]
    run = access.check_run(store, who, rid)
    return _serve(request, store, who, run, lambda: render(run_record(store, rid)))


@router.get("/{run_id}", response_model=RunPublic, responses={400: {"model": Message}, **REFUSED})
def run(request: Request, store: StoreDep, who: CurrentRole, run_id: Annotated[str, Path(max_length=120)]):
    """One run with its parameters and lineage."""
    ran = access.check_run(store, who, run_id)
    return _serve(request, store, who, ran, lambda: render(run_record(store, run_id)))


@router.get("/{run_id}/values", response_model=Page, responses={200: CSV, 400: {"model": Message}, **REFUSED})
def values(
    request: Request,
    store: StoreDep,
    who: CurrentRole,
    run_id: Annotated[str, Path(max_length=120)],
    measure: Annotated[str | None, Query(max_length=80)] = None,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    region: Annotated[str | None, Query(max_length=20)] = None,
    limit: Annotated[int, Query(ge=1, le=200000)] = 10000,
    offset: Annotated[int, Query(ge=0)] = 0,
    format: Fmt = "json",
):
    """The numbers of one run (long form: region, sector, year, measure, value, label)."""
    ran = access.check_run(store, who, run_id)

    def make():
        f = run_values(store, run_id, measure=measure, year=year, region_code=region)
        part = f.iloc[offset : offset + limit]
        return render(
            {"data": records(part), "count": len(f), "limit": limit, "offset": offset}, frame=part, fmt=format
        )

    return _serve(request, store, who, ran, make)
