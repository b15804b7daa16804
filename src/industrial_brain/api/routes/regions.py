"""Regions (GB/T 2260), their neighbours (contiguity), the province map (GeoJSON), a province's
board and side-by-side comparison of provinces (:mod:`industrial_brain.services.board`)."""

from __future__ import annotations

import hashlib
from importlib import resources
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from industrial_brain.api.deps import (
    CurrentRole,
    StoreDep,
    audit,
    cached,
    readable_datasets,
    records,
    render,
    send,
)
from industrial_brain.api.params import Lang
from industrial_brain.api.routes.macro import readable_macro_run
from industrial_brain.api.schemas import BoardPublic, ComparePublic, Message, RegionPublic, RegionsPublic
from industrial_brain.errors import AccessError, InputError
from industrial_brain.services import board as board_service
from industrial_brain.services import catalog as service
from industrial_brain.services.access import grades_of, highest_grade

router = APIRouter(tags=["regions"])

Code = Annotated[str, Path(max_length=12, description="GB/T 2260 code, e.g. 330000")]


@router.get("/regions", response_model=RegionsPublic)
def regions(request: Request, store: StoreDep, who: CurrentRole):
    """All regions with codes, Chinese and English names, macro-region and capital coordinates."""

    def make():
        f = service.regions(store)
        return render({"data": records(f), "count": len(f)})

    return cached(request, who, make)


def _macro(store, who):
    """The newest macro run the caller may read, its grade and owner (None, 'general', None: none)."""
    try:
        rid, ran = readable_macro_run(store, who, None)
    except (InputError, AccessError):
        return None, "general", None
    return rid, ran.grade, ran.owner


@router.get("/regions/compare", response_model=ComparePublic, responses={400: {"model": Message}})
def compare(
    request: Request,
    store: StoreDep,
    who: CurrentRole,
    codes: Annotated[str, Query(max_length=200, description="2–10 province codes, comma-separated")],
    indicator: Annotated[
        str, Query(max_length=120, description="a library code, e.g. gdp_100m_cny or D")
    ] = "D",
    lang: Lang = "en",
):
    """Two or more provinces side by side on one indicator of the library, by year, with the national
    mean."""
    rid, run_grade, _ = _macro(store, who)
    c = board_service.compare(
        store, codes.split(","), indicator, lang=lang, datasets=readable_datasets(store, who), macro_run=rid
    )
    if c["dataset_id"] is not None:  # a panel indicator: its dataset's grade; a macro output: the run's
        grade = highest_grade(grades_of(store, [c["dataset_id"]]).values())
    else:
        grade = run_grade if c["run_id"] else "general"
    data = c.pop("data")
    data.columns = [str(x) for x in data.columns]
    if grade != "general":
        audit(store, who, "read", "regions/compare", f"grade={grade} {indicator}")
    return send(request, render({**c, "data": records(data), "count": len(data)}), private=grade != "general")


@router.get("/regions/{code}/board", response_model=BoardPublic, responses={400: {"model": Message}})
def board(
    request: Request,
    store: StoreDep,
    who: CurrentRole,
    code: Code,
    year: Annotated[int | None, Query(ge=1949, le=2100)] = None,
    lang: Lang = "en",
):
    """A province's board: headline KPIs with rank, change and peer comparison; coordination degree
    history and obstacle factors; sectors (location quotients, key sectors, chokepoints of its
    provincial IO table); the enterprise level distribution (released, suppressed); its alerts.
    Never cached (it holds the alerts, which change with every run)."""
    rid, run_grade, _ = _macro(store, who)
    b = board_service.region_board(
        store, code, year=year, lang=lang, datasets=readable_datasets(store, who), macro_run=rid, who=who
    )
    # the grade of what the board shows: its KPIs' datasets, the macro run, the alerts listed
    used = grades_of(store, {k["dataset_id"] for k in b["kpis"] if k["dataset_id"]}).values()
    grade = highest_grade(
        [*used, run_grade if b["coordination"] else "general", *(a["grade"] for a in b["alerts"]["data"])]
    )
    if grade != "general":
        audit(store, who, "read", f"board:{code}", f"grade={grade}")
    return send(request, render(b), private=True)


@router.get("/regions/{code}", response_model=RegionPublic, responses={400: {"model": Message}})
def region(request: Request, store: StoreDep, who: CurrentRole, code: Code):
    """One region."""
    return cached(request, who, lambda: render(records(service.region(store, code))[0]))


@router.get("/regions/{code}/neighbours", response_model=RegionsPublic, responses={400: {"model": Message}})
def neighbours(request: Request, store: StoreDep, who: CurrentRole, code: Code):
    """Regions sharing a border with ``code`` (contiguity pairs of the shipped reference data)."""

    def make():
        f = service.neighbours(store, code)
        return render({"data": records(f), "count": len(f)})

    return cached(request, who, make)


_GEO: tuple[bytes, str, str] | None = None


@router.get("/geo/provinces", responses={200: {"content": {"application/geo+json": {}}}})
def provinces_geojson(request: Request) -> Response:
    """Province boundaries (GeoJSON FeatureCollection; ``properties.adcode`` is the GB/T 2260 code)."""
    global _GEO
    if _GEO is None:
        geojson = resources.files("industrial_brain.data").joinpath("geo/china_provinces_clean.geojson")
        body = geojson.read_bytes()
        _GEO = (body, "application/geo+json", '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"')
    return send(request, _GEO)
