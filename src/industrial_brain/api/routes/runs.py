"""Stored analysis runs (index, coupling, inequality, spatial, chain, stress … results with lineage).

Any service that saves its results with :func:`industrial_brain.services.results.save_run` is
readable here without further wiring: ``/runs?kind=…`` lists runs, ``/runs/latest?kind=…`` and
``/runs/{run_id}/values`` give the numbers. A run is readable only if the caller may read every
dataset it was computed from.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from industrial_brain.api.deps import CSV, CurrentRole, StoreDep, cached, check_datasets, records, render
from industrial_brain.api.params import Fmt
from industrial_brain.api.schemas import Message, Page, RunPublic, RunsPublic
from industrial_brain.api.security import Principal
from industrial_brain.errors import InputError
from industrial_brain.services.runs import readable_runs, run_datasets, run_record, run_values
from industrial_brain.store.connection import Store

router = APIRouter(prefix="/runs", tags=["results"])
Kind = Annotated[str | None, Query(max_length=80, description="run kind, e.g. macro_index")]


@router.get("", response_model=RunsPublic)
def list_runs(request: Request, store: StoreDep, who: CurrentRole, kind: Kind = None):
    """Analysis runs the caller may read, newest first."""

    def make():
        f = readable_runs(store, who.may_read_grade, kind or None)
        return render({"data": records(f), "count": len(f)})

    return cached(request, who, make)


def _run(store: Store, who: Principal, run_id: str):
    rec = run_record(store, run_id)
    if rec is None:
        raise InputError.at(
            "unknown run", column="run_id", value=run_id, expected="an id listed by /api/v1/runs"
        )
    check_datasets(store, who, run_datasets(rec["datasets"]))
    return rec


@router.get("/latest", response_model=RunPublic, responses={400: {"model": Message}})
def latest(
    request: Request,
    store: StoreDep,
    who: CurrentRole,
    kind: Annotated[str, Query(max_length=80, description="run kind, e.g. macro_index")],
):
    """The newest readable run of ``kind``."""

    def make():
        f = readable_runs(store, who.may_read_grade, kind or None)
        if len(f):
            return render(_run(store, who, f["run_id"].iloc[0]))
        raise InputError.at(
            "no run of this kind", column="kind", value=kind, expected="a kind listed by /api/v1/runs"
        )

    return cached(request, who, make)


@router.get("/{run_id}", response_model=RunPublic, responses={400: {"model": Message}})
def run(request: Request, store: StoreDep, who: CurrentRole, run_id: Annotated[str, Path(max_length=120)]):
    """One run with its parameters and lineage."""
    return cached(request, who, lambda: render(_run(store, who, run_id)))


@router.get("/{run_id}/values", response_model=Page, responses={200: CSV, 400: {"model": Message}})
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

    def make():
        _run(store, who, run_id)
        f = run_values(store, run_id, measure=measure, year=year, region_code=region)
        part = f.iloc[offset : offset + limit]
        return render(
            {"data": records(part), "count": len(f), "limit": limit, "offset": offset}, frame=part, fmt=format
        )

    return cached(request, who, make)
