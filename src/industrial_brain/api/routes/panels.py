"""Indicators and regional panel queries (filters, paging, JSON or CSV)."""

from __future__ import annotations

from typing import Annotated

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
from industrial_brain.api.schemas import IndicatorsPublic, Message, PanelPage
from industrial_brain.services import catalog as service

router = APIRouter(tags=["panels"])


@router.get("/indicators", response_model=IndicatorsPublic)
def indicators(request: Request, store: StoreDep, who: CurrentRole):
    """Indicators with names, unit, direction and the dataset and years holding their values."""

    def make():
        f = service.indicators(store, datasets=readable_datasets(store, who))
        return render({"data": records(f), "count": len(f)})

    return cached(request, who, make)


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

    A panel drawn from an important or core dataset (named, or among the caller's readable ones when
    none is named) is audited on every read."""
    grade = check_datasets(store, who, dataset) if dataset else readable_grade(store, who)

    def make():
        ds = dataset or readable_datasets(store, who)
        view = service.panel(store, indicator, region, years, ds, raw=raw)
        part = view.frame.iloc[offset : offset + limit]
        return render(
            {
                "data": records(part),
                "count": len(view.frame),
                "limit": limit,
                "offset": offset,
                "indicators": view.indicators,
                "excluded": len(view.excluded),
            },
            frame=part,
            fmt=format,
        )

    return cached(request, who, make, grade=grade, store=store, what="panel")
