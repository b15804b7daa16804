"""Homogeneous and uneven development under ``/macro/structure`` (:mod:`industrial_brain.services.structure`):
structure similarity of provinces (pairs and matrix), its yearly trend on the three-sector panel, Krugman
specialisation with the division-of-labour index, digital input intensity by the three industries.
Included in the ``macro`` router (:mod:`industrial_brain.api.routes.macro`)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from industrial_brain.api.deps import CSV, CurrentRole, StoreDep, cached, check_datasets, records, render
from industrial_brain.api.params import Fmt, Lang
from industrial_brain.api.schemas import Message, Page
from industrial_brain.services import structure as structure_service

router = APIRouter(prefix="/structure", tags=["macro"])
Err = {400: {"model": Message}}
Basis = Annotated[
    Literal["io", "three_sectors"],
    Query(description="io: 2017 provincial IO tables; three_sectors: the GRP panel 2010–2022"),
]
Sectors = Annotated[
    Literal["manufacturing", "all"], Query(description="io basis: manufacturing (06–23) or all")
]
Measure = Annotated[Literal["output", "value_added"], Query()]
Year = Annotated[int | None, Query(ge=1990, le=2100, description="three_sectors basis (default: latest)")]


def _answer(frame, fmt: str, notes=(), **fields):
    """The rows of ``frame`` (JSON records or CSV) with the answer's ``fields`` and ``notes``."""
    payload = {**fields, "notes": [str(n) for n in notes], "data": records(frame), "count": len(frame)}
    return render(payload, frame=frame, fmt=fmt)


@router.get("/similarity", response_model=Page, responses={200: CSV, **Err})
def similarity(
    request: Request,
    store: StoreDep,
    who: CurrentRole,
    basis: Basis = "io",
    sectors: Sectors = "manufacturing",
    measure: Measure = "output",
    year: Year = None,
    threshold: Annotated[float, Query(gt=0, le=1)] = 0.9,
    pairs: Annotated[
        Literal["near", "all"], Query(description="near-duplicates only, or every pair")
    ] = "near",
    lang: Lang = "en",
    format: Fmt = "json",
):
    """Structure similarity coefficients S_ij of the provinces (UNIDO): the pairs (near-duplicates with
    S ≥ threshold, or all) and the whole matrix (``matrix``: region codes, names, S)."""
    grade = check_datasets(store, who, structure_service.input_datasets(store, basis))

    def make():
        r = structure_service.similarity(
            store, basis=basis, sectors=sectors, measure=measure, year=year, threshold=threshold
        )
        f = structure_service.label_pairs(store, r.near_duplicates if pairs == "near" else r.pairs, lang)
        names = structure_service.region_labels(store, lang)
        codes = list(r.S.index)
        matrix = {
            "regions": codes,
            "names": [names.get(c, c) for c in codes],
            "S": r.S.round(6).values.tolist(),
        }
        return _answer(
            f,
            format,
            r.notes,
            basis=basis,
            params=dict(r.lineage.params),
            mean=r.mean,
            threshold=r.threshold,
            matrix=matrix,
        )

    return cached(request, who, make, grade=grade, store=store, what="macro:structure")


@router.get("/similarity/trend", response_model=Page, responses={200: CSV, **Err})
def similarity_trend(
    request: Request,
    store: StoreDep,
    who: CurrentRole,
    years: Annotated[str | None, Query(max_length=20, description="FROM:TO")] = None,
    threshold: Annotated[float, Query(gt=0, le=1)] = 0.9,
    lang: Lang = "en",
    format: Fmt = "json",
):
    """By year of the three-sector panel: mean, median and extremes of S_ij, the number of near-duplicate
    pairs, and the Krugman and division-of-labour indices; ``changes``: the pairs that became or stopped
    being near-duplicates between the first and the last year."""
    grade = check_datasets(store, who, structure_service.input_datasets(store, "three_sectors"))

    def make():
        r = structure_service.similarity_over_time(store, years=years, threshold=threshold)
        f = r.trend.join(
            structure_service.specialisation_over_time(store, years=years)
            .set_index("year")
            .drop(columns="mean_S")
        ).reset_index()
        changes = records(structure_service.label_pairs(store, r.changes, lang))
        return _answer(f, format, r.notes, threshold=r.threshold, changes=changes)

    return cached(request, who, make, grade=grade, store=store, what="macro:structure")


@router.get("/specialisation", response_model=Page, responses={200: CSV, **Err})
def specialisation(
    request: Request,
    store: StoreDep,
    who: CurrentRole,
    basis: Basis = "io",
    sectors: Sectors = "manufacturing",
    measure: Measure = "output",
    year: Year = None,
    lang: Lang = "en",
    format: Fmt = "json",
):
    """By province: Krugman index K against the rest of the country, mean bilateral K_ij, Fan's
    specialisation coefficient FI_i and weight; ``FI`` the division-of-labour index."""
    grade = check_datasets(store, who, structure_service.input_datasets(store, basis))

    def make():
        k, fi = structure_service.specialisation(
            store, basis=basis, sectors=sectors, measure=measure, year=year
        )
        f = structure_service.specialisation_frame(store, k, fi, lang)
        return _answer(f, format, fi.notes, basis=basis, params=dict(k.lineage.params), FI=fi.FI)

    return cached(request, who, make, grade=grade, store=store, what="macro:structure")


@router.get("/digital-by-industry", response_model=Page, responses={200: CSV, **Err})
def digital_by_industry(
    request: Request,
    store: StoreDep,
    who: CurrentRole,
    include_digital: Annotated[bool, Query(description="keep the digital sectors in their groups")] = False,
    lang: Lang = "en",
    format: Fmt = "json",
):
    """Digital share of intermediate input and digital input per unit of output of the primary, secondary
    and tertiary industries, per province (2017) and for the nation (2017, 2020), beside CAICT's
    penetration rates (another definition)."""
    grade = check_datasets(store, who, structure_service.input_datasets(store, "digital"))

    def make():
        f = structure_service.digital_by_industry(store, include_digital=include_digital)
        f = structure_service.label_regions(store, f, lang)
        f.attrs = {}
        return _answer(f, format, caict_source=structure_service.CAICT_SOURCE)

    return cached(request, who, make, grade=grade, store=store, what="macro:structure")
