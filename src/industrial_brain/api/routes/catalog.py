"""The data catalog (datasets the caller's role may read) and the quality notes on them."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from industrial_brain.api.deps import (
    CSV,
    CurrentRole,
    StoreDep,
    cached,
    check_datasets,
    readable_datasets,
    records,
    render,
)
from industrial_brain.api.params import Fmt
from industrial_brain.api.schemas import DatasetsPublic, Page
from industrial_brain.services import catalog as service

router = APIRouter(tags=["catalog"])


@router.get("/catalog", response_model=DatasetsPublic, responses={200: CSV})
def catalog(
    request: Request,
    store: StoreDep,
    who: CurrentRole,
    format: Fmt = "json",
):
    """Datasets with provenance, grade, rows, years, missing share and number of quality notes."""

    def make():
        cat = service.catalog(store, datasets=readable_datasets(store, who))
        return render({"data": records(cat), "count": len(cat)}, frame=cat, fmt=format)

    return cached(request, who, make)


@router.get("/quality-notes", response_model=Page, responses={200: CSV})
def quality_notes(
    request: Request,
    store: StoreDep,
    who: CurrentRole,
    dataset: Annotated[str | None, Query(max_length=200)] = None,
    severity: Annotated[Literal["error", "warning", "info"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=10000)] = 500,
    offset: Annotated[int, Query(ge=0)] = 0,
    format: Fmt = "json",
):
    """Quality notes (screening findings and provenance notes), optionally for one dataset and severity."""
    if dataset:
        check_datasets(store, who, [dataset])

    def make():
        qn = service.quality_notes(store, dataset, severity, datasets=readable_datasets(store, who))
        part = qn.iloc[offset : offset + limit]
        return render(
            {"data": records(part), "count": len(qn), "limit": limit, "offset": offset},
            frame=part,
            fmt=format,
        )

    return cached(request, who, make)
