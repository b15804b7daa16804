"""Regional panel queries (filters, paging, JSON or CSV); the indicators are the library's
(:mod:`industrial_brain.api.routes.indicators`)."""

from __future__ import annotations

from typing import Annotated, Literal

import pandas as pd
from fastapi import APIRouter, Query, Request

from industrial_brain.api.deps import (
    CSV,
    CurrentRole,
    StoreDep,
    cached,
    check_datasets,
    readable_datasets,
    readable_grade,
    records,
    render,
)
from industrial_brain.api.params import Fmt
from industrial_brain.api.routes.macro import readable_macro_run
from industrial_brain.api.schemas import DefaultYearPublic, Message, PanelPage
from industrial_brain.services import catalog as service
from industrial_brain.services import quality
from industrial_brain.services.access import check_run

router = APIRouter(tags=["panels"])


@router.get("/panel", response_model=PanelPage, responses={200: CSV, 400: {"model": Message}})
def panel(
    request: Request,
    store: StoreDep,
    who: CurrentRole,
    indicator: Annotated[
        list[str] | None, Query(max_length=50, description="indicator code (repeat)")
    ] = None,
    region: Annotated[
        list[str] | None, Query(max_length=40, description="province code or name (repeat)")
    ] = None,
    years: Annotated[
        str | None, Query(max_length=20, description="YEAR or FROM:TO", examples=["2015:2022"])
    ] = None,
    dataset: Annotated[list[str] | None, Query(max_length=20, description="dataset id (repeat)")] = None,
    raw: Annotated[bool, Query(description="keep values the screening marked as errors")] = False,
    limit: Annotated[int, Query(ge=1, le=100000)] = 1000,
    offset: Annotated[int, Query(ge=0)] = 0,
    format: Fmt = "json",
):
    """A panel: one row per (region_code, year), one column per indicator.

    ``default_year`` is the year a map or ranking of it should open on (the latest without an error or
    partial-year note; later years in ``skipped_years`` with the reason); in JSON each row carries its
    ``quality_note`` and ``year_flags`` (a view marks such values with †). A panel drawn from an
    important or core dataset (named, or among the caller's readable ones when none is named) is
    audited on every read."""
    grade = check_datasets(store, who, dataset) if dataset else readable_grade(store, who)

    def make():
        ds = dataset or readable_datasets(store, who)
        view = service.panel(store, indicator, region, years, ds, raw=raw)
        part = view.frame.iloc[offset : offset + limit]
        if format != "json":  # the files keep the CSV's columns; the notes are in the JSON answer
            meta = service.indicators(store, datasets=ds).drop_duplicates("code").set_index("code")["unit"]
            units = {c: str(meta[c]) for c in view.indicators if c in meta.index and pd.notna(meta[c])}
            return render(frame=part, fmt=format, units=units, source="datasets " + ", ".join(sorted(ds)))
        yq = quality.panel_quality(store, view, ds)
        return render(
            {
                "data": records(yq.annotate(part)),
                "count": len(view.frame),
                "limit": limit,
                "offset": offset,
                "indicators": view.indicators,
                "excluded": len(view.excluded),
                **yq.fields(),
            }
        )

    return cached(request, who, make, grade=grade, store=store, what="panel")


@router.get("/default-year", response_model=DefaultYearPublic, responses={400: {"model": Message}})
def default_year(
    request: Request,
    store: StoreDep,
    who: CurrentRole,
    what: Annotated[
        Literal["panel", "macro", "run"], Query(description="a panel indicator or a run")
    ] = "panel",
    indicator: Annotated[
        list[str] | None, Query(max_length=50, description="indicator code (repeat; what=panel)")
    ] = None,
    dataset: Annotated[list[str] | None, Query(max_length=20, description="dataset id (repeat)")] = None,
    run_id: Annotated[
        str | None, Query(max_length=120, description="what=macro (default: newest) or run")
    ] = None,
    measure: Annotated[str | None, Query(max_length=80, description="a run's measure (e.g. D)")] = None,
):
    """The year a map, ranking or report of a panel indicator or a stored run opens on: the latest
    without an ``error`` or partial-year quality note, with the later years skipped and why."""
    grade, owner, rid = "general", None, run_id
    if what == "panel":
        grade = check_datasets(store, who, dataset) if dataset else readable_grade(store, who)
    elif what == "macro":
        rid, ran = readable_macro_run(store, who, run_id)
        grade, owner = ran.grade, ran.owner
    else:
        ran = check_run(store, who, run_id) if run_id else None
        grade, owner = (ran.grade, ran.owner) if ran else (grade, owner)

    def make():
        ds = dataset or readable_datasets(store, who)
        c = quality.default_year(store, what, indicator=indicator, run_id=rid, datasets=ds, measure=measure)
        fields = quality.YearQuality(c).fields()
        return render({"what": what, "indicator": indicator, "run_id": rid, **fields})

    return cached(request, who, make, grade=grade, owner=owner, store=store, what="default-year")
