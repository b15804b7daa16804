"""Stored analysis runs (index, coupling, inequality, spatial, chain, stress … results with lineage).

Any service that saves its results with :func:`industrial_brain.services.results.save_run` is
readable here without further wiring: ``/runs?kind=…`` lists runs, ``/runs/latest?kind=…`` and
``/runs/{run_id}/values`` give the numbers. A run is readable only if the caller may read every
dataset it was computed from.
"""

from __future__ import annotations

import json
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request

from industrial_brain.api.deps import CSV, CurrentRole, StoreDep, cached, check_datasets, records, render
from industrial_brain.api.schemas import Message, Page, RunPublic, RunsPublic
from industrial_brain.api.security import Principal
from industrial_brain.errors import AccessError, InputError
from industrial_brain.store.connection import Store

router = APIRouter(prefix="/runs", tags=["results"])
Kind = Annotated[str | None, Query(max_length=80, description="run kind, e.g. macro_index")]


def _runs(store: Store, kind: str | None):
    sql = ("SELECT run_id, kind, method, created_at::VARCHAR AS created_at, version, params::VARCHAR AS params, "
           "datasets, note FROM analysis_run")
    return store.con.execute(sql + (" WHERE kind = ?" if kind else "") + " ORDER BY created_at DESC, run_id",
                             [kind] if kind else []).df()


def _readable(store: Store, who: Principal, datasets: str | None) -> bool:
    ids = [d for d in (datasets or "").split(",") if d]
    try:
        check_datasets(store, who, ids)
    except (AccessError, InputError):  # above the caller's grade, or a dataset no longer stored
        return False
    return True


@router.get("", response_model=RunsPublic)
def list_runs(request: Request, store: StoreDep, who: CurrentRole, kind: Kind = None):
    """Analysis runs the caller may read, newest first."""

    def make():
        f = _runs(store, kind)
        f = f[[_readable(store, who, d) for d in f["datasets"]]] if len(f) else f
        return render({"data": records(f), "count": len(f)})

    return cached(request, who, make)


def _run(store: Store, who: Principal, run_id: str):
    f = store.con.execute("SELECT run_id, kind, method, created_at::VARCHAR AS created_at, version, "
                          "params::VARCHAR AS params, lineage::VARCHAR AS lineage, datasets, note FROM analysis_run "
                          "WHERE run_id = ?", [run_id]).df()
    if f.empty:
        raise InputError.at("unknown run", column="run_id", value=run_id, expected="an id listed by /api/v1/runs")
    check_datasets(store, who, [d for d in (f.at[0, "datasets"] or "").split(",") if d])
    rec = records(f)[0]
    for k in ("params", "lineage"):
        try:
            rec[k] = json.loads(rec[k]) if rec[k] else None
        except (TypeError, ValueError):
            pass
    return rec


@router.get("/latest", response_model=RunPublic, responses={400: {"model": Message}})
def latest(request: Request, store: StoreDep, who: CurrentRole,
           kind: Annotated[str, Query(max_length=80, description="run kind, e.g. macro_index")]):
    """The newest readable run of ``kind``."""

    def make():
        f = _runs(store, kind)
        for d, rid in zip(f["datasets"], f["run_id"]):
            if _readable(store, who, d):
                return render(_run(store, who, rid))
        raise InputError.at("no run of this kind", column="kind", value=kind, expected="a kind listed by /api/v1/runs")

    return cached(request, who, make)


@router.get("/{run_id}", response_model=RunPublic, responses={400: {"model": Message}})
def run(request: Request, store: StoreDep, who: CurrentRole, run_id: Annotated[str, Path(max_length=120)]):
    """One run with its parameters and lineage."""
    return cached(request, who, lambda: render(_run(store, who, run_id)))


@router.get("/{run_id}/values", response_model=Page, responses={200: CSV, 400: {"model": Message}})
def values(request: Request, store: StoreDep, who: CurrentRole, run_id: Annotated[str, Path(max_length=120)],
           measure: Annotated[str | None, Query(max_length=80)] = None,
           year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
           region: Annotated[str | None, Query(max_length=20)] = None,
           limit: Annotated[int, Query(ge=1, le=200000)] = 10000,
           offset: Annotated[int, Query(ge=0)] = 0,
           format: Annotated[Literal["json", "csv"], Query()] = "json"):
    """The numbers of one run (long form: region, sector, year, measure, value, label)."""

    def make():
        _run(store, who, run_id)
        where, params = ["run_id = ?"], [run_id]
        for col, v in (("measure", measure), ("year", year), ("region_code", region)):
            if v is not None:
                where.append(f"{col} = ?")
                params.append(v)
        f = store.con.execute("SELECT region_code, sector_code, year::INTEGER AS year, measure, value, label FROM "
                              f"analysis_value WHERE {' AND '.join(where)} ORDER BY measure, region_code, sector_code, year",
                              params).df()
        part = f.iloc[offset: offset + limit]
        return render({"data": records(part), "count": len(f), "limit": limit, "offset": offset}, frame=part, fmt=format)

    return cached(request, who, make)
