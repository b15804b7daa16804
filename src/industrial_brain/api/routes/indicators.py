"""The indicator library (一库): search, one indicator's definition, provenance and quality, its
series with the national and regional-group lines; the caller's watchlist
(:mod:`industrial_brain.services.indicators`).

Stored indicators are listed from the datasets the caller may read; a series of an important or
core dataset, or of a macro run resting on one, is audited on every read like any such read.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from industrial_brain.api.deps import (
    CSV,
    CurrentRole,
    StoreDep,
    cached,
    check_datasets,
    readable_datasets,
    records,
    render,
    send,
)
from industrial_brain.api.params import Fmt, Lang, Member
from industrial_brain.api.routes.macro import readable_macro_run
from industrial_brain.api.schemas import (
    IndicatorDetail,
    IndicatorSeries,
    IndicatorsPublic,
    Message,
    WatchIn,
    WatchlistPublic,
)
from industrial_brain.errors import AccessError, InputError
from industrial_brain.services import indicators as service

router = APIRouter(tags=["indicators"])
Err = {400: {"model": Message}, 401: {"model": Message}, 403: {"model": Message}}
CodePath = Annotated[
    str, Path(max_length=120, description="indicator or engine-output code, e.g. gdp_100m_cny, D")
]
Text = Annotated[str | None, Query(max_length=80)]


def _flat(f):
    """The library as CSV: lists joined with ``;``."""
    return f.assign(**{c: f[c].map(lambda v: ";".join(v)) for c in ("flags", "tags", "quality_flags")})


@router.get("/indicators", response_model=IndicatorsPublic, responses={200: CSV})
def indicators(
    request: Request,
    store: StoreDep,
    who: CurrentRole,
    search: Annotated[str | None, Query(max_length=80, description="code or name, either language")] = None,
    dimension: Text = None,
    source: Annotated[
        str | None, Query(max_length=80, description="dataset, source, publisher or kind")
    ] = None,
    tag: Text = None,
    lang: Lang = "en",
    format: Fmt = "json",
):
    """The indicator library: stored indicators (one row per dataset holding one, with coverage,
    provenance and quality) and engine outputs, with definitions, formulas, units and tags."""

    def make():
        f = service.library(
            store,
            datasets=readable_datasets(store, who),
            lang=lang,
            search=search,
            dimension=dimension,
            source=source,
            tag=tag,
        )
        return render({"data": records(f), "count": len(f)}, frame=_flat(f), fmt=format)

    return cached(request, who, make)


@router.get("/indicators/{code}", response_model=IndicatorDetail, responses=Err)
def indicator(request: Request, store: StoreDep, who: CurrentRole, code: CodePath, lang: Lang = "en"):
    """One indicator or engine output: definition, formula, unit, direction, its sources (datasets
    with coverage and quality) and its quality notes (at most 50, errors first)."""

    def make():
        return render(service.indicator(store, code, datasets=readable_datasets(store, who), lang=lang))

    return cached(request, who, make)


@router.get("/indicators/{code}/series", response_model=IndicatorSeries, responses={200: CSV, **Err})
def indicator_series(
    request: Request,
    store: StoreDep,
    who: CurrentRole,
    code: CodePath,
    region: Annotated[str | None, Query(max_length=12, description="GB/T 2260 code")] = None,
    dataset: Annotated[str | None, Query(max_length=200)] = None,
    lang: Lang = "en",
    format: Fmt = "json",
):
    """One indicator by year for a region with its rank among the provinces, the national line and
    the line of its NBS macro-region (sum or mean: ``national_method``)."""
    readable = readable_datasets(store, who)
    grade, owner, run = "general", None, None
    if dataset:
        grade = check_datasets(store, who, [dataset])
    stored = service.library(store, datasets=readable)
    stored = stored[(stored["code"] == code) & (stored["kind"] == "panel")]
    if len(stored):
        ds = (
            dataset
            or stored.sort_values(["regions", "year_min"], ascending=[False, True])["dataset_id"].iloc[0]
        )
        grade = check_datasets(store, who, [ds])
    elif (service.indicator(store, code, datasets=readable) or {}).get("series") == "macro":
        try:
            run, ran = readable_macro_run(store, who, None)
            grade, owner = ran.grade, ran.owner
        except (InputError, AccessError):  # no macro run the caller may read: an empty series says so
            run = None

    def make():
        s = service.series(
            store, code, region=region, dataset=dataset, datasets=readable, macro_run=run, lang=lang
        )
        data = s.pop("data")
        return render({**s, "data": records(data), "count": len(data)}, frame=data, fmt=format)

    return cached(request, who, make, grade=grade, owner=owner, store=store, what=f"indicator:{code}")


@router.get("/watchlist", response_model=WatchlistPublic, responses=Err)
def watchlist(request: Request, store: StoreDep, who: Member, lang: Lang = "en"):
    """The caller's watched indicators (code, region, when added, name, unit)."""
    f = service.watchlist(store, who.username, datasets=readable_datasets(store, who), lang=lang)
    return send(request, render({"data": records(f), "count": len(f)}), private=True)


@router.put("/watchlist", response_model=WatchlistPublic, responses=Err)
def watch(request: Request, store: StoreDep, who: Member, body: WatchIn, lang: Lang = "en"):
    """Watch an indicator (of one region, or the indicator itself); idempotent; the list after."""
    service.watch(
        store, who.username, body.code, body.region, datasets=readable_datasets(store, who), actor=who.actor
    )
    f = service.watchlist(store, who.username, datasets=readable_datasets(store, who), lang=lang)
    return send(request, render({"data": records(f), "count": len(f)}), private=True)


@router.delete("/watchlist", response_model=WatchlistPublic, responses=Err)
def unwatch(
    request: Request,
    store: StoreDep,
    who: Member,
    code: Annotated[str, Query(max_length=120)],
    region: Annotated[str | None, Query(max_length=12)] = None,
    lang: Lang = "en",
):
    """Stop watching an indicator (of one region; none: every entry of the code); the list after."""
    service.unwatch(store, who.username, code, region, actor=who.actor)
    f = service.watchlist(store, who.username, datasets=readable_datasets(store, who), lang=lang)
    return send(request, render({"data": records(f), "count": len(f)}), private=True)
