"""The regional innovation chain: DEA efficiency per province and year, Malmquist index per pair of
years, and the chain R&D → patents → economy with its two-stage efficiencies (general-grade panels:
public)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from industrial_brain.api.deps import CSV, CurrentRole, StoreDep, cached, check_datasets, records, render
from industrial_brain.api.params import Fmt
from industrial_brain.api.schemas import Message, Page
from industrial_brain.services import innovation as service

router = APIRouter(prefix="/innovation", tags=["innovation"])

Years = Annotated[str | None, Query(max_length=20, description="YEAR or FROM:TO", examples=["2022"])]
Stage = Annotated[Literal["rd", "economy", "overall"], Query(description="rd | economy | overall")]
Lang = Annotated[Literal["en", "zh"], Query(description="label language of names")]
ERRORS = {200: CSV, 400: {"model": Message}}


def _answer(frame, notes, lineage, fmt):
    if fmt != "json":
        ids = sorted({str(d[0]) for d in lineage.datasets})
        return render(frame=frame, fmt=fmt, source=("datasets " + ", ".join(ids)) if ids else None)
    return render(
        {"data": records(frame), "count": len(frame), "notes": list(notes), "lineage": lineage.to_dict()}
    )


@router.get("/efficiency", response_model=Page, responses=ERRORS)
def efficiency(
    request: Request,
    store: StoreDep,
    who: CurrentRole,
    years: Years = None,
    stage: Stage = "rd",
    model: Annotated[Literal["ccr", "bcc"], Query()] = "ccr",
    orientation: Annotated[Literal["input", "output"], Query()] = "input",
    lang: Lang = "en",
    format: Fmt = "json",
):
    """DEA efficiency of each province (one frontier per year), with rank, efficiency flag and peers."""
    grade = check_datasets(store, who, service.DATASETS)

    def make():
        r = service.innovation_efficiency(
            store, years=years, stage=stage, model=model, orientation=orientation, lang=lang
        )
        return _answer(r.to_frame("en").sort_values(["year", "rank"]), r.notes, r.lineage, format)

    return cached(request, who, make, grade=grade, store=store, what="innovation")


@router.get("/malmquist", response_model=Page, responses=ERRORS)
def malmquist(
    request: Request,
    store: StoreDep,
    who: CurrentRole,
    years: Years = None,
    year_from: Annotated[int | None, Query(alias="from", ge=1900, le=2100, description="base year")] = None,
    year_to: Annotated[int | None, Query(alias="to", ge=1900, le=2100, description="comparison year")] = None,
    stage: Stage = "rd",
    orientation: Annotated[Literal["input", "output"], Query()] = "output",
    lang: Lang = "en",
    format: Fmt = "json",
):
    """Malmquist index MI = EC × TC per province, for the pair from → to or each consecutive pair."""
    grade = check_datasets(store, who, service.DATASETS)
    pair = (year_from, year_to) if year_from is not None and year_to is not None else None

    def make():
        r = service.innovation_malmquist(
            store, years=years, pair=pair, stage=stage, orientation=orientation, lang=lang
        )
        return _answer(r.to_frame("en"), r.notes, r.lineage, format)

    return cached(request, who, make, grade=grade, store=store, what="innovation")


@router.get("/chain", response_model=Page, responses=ERRORS)
def chain(
    request: Request,
    store: StoreDep,
    who: CurrentRole,
    years: Years = None,
    lang: Lang = "en",
    format: Fmt = "json",
):
    """The chain per province and year: R&D input, patents, GRP and profit, ratios, two-stage efficiencies."""
    grade = check_datasets(store, who, service.DATASETS)

    def make():
        r = service.innovation_chain(store, years=years, lang=lang)
        return _answer(r.to_frame("en").sort_values(["year", "rank"]), r.notes, r.lineage, format)

    return cached(request, who, make, grade=grade, store=store, what="innovation")
