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
from industrial_brain._shared.i18n import UNSURE_UNIT
from industrial_brain.api.params import Fmt, Lang
from industrial_brain.api.schemas import DatasetsPublic, Page, UnitLabelsPublic
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


@router.get("/catalog/units", response_model=UnitLabelsPublic)
def units(request: Request, who: CurrentRole, lang: Lang = "en"):
    """The label of every stored unit code in English and Chinese (``label``: in ``lang``) and the other
    spellings of the money units, so a view writes 10^8 CNY as 亿元 without its own copy. A unit stored
    with the source's "(?)" keeps the mark (the code is the unit before it)."""
    return cached(
        request,
        who,
        lambda: render({"lang": lang, "data": service.unit_labels(lang), "unsure_mark": UNSURE_UNIT}),
    )


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
