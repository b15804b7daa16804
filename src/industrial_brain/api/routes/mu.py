"""The government's enterprise board: firms with their per-mu class (亩均效益评价), maturity level and
SME tier; one firm's profile; county and sector class roll-ups.

Access (the policy is :mod:`industrial_brain.services.access`; the rows are enterprise-level, at least
important): ``GET /mu/firms`` and ``GET /mu/firms/{uscc}/profile`` need a login — admin and analyst
read every firm they are cleared for, an enterprise account only its own (its list holds its own
firm alone, whatever the filters; another firm's profile answers 403), the public role none (401).
``GET /mu/rollups`` is open to every role and serves only suppressed cells (fewer than 3 firms, or
dominated by two firms' tax, plus a complementary cell:
:func:`industrial_brain.services.mu_board.class_rollup`).
Every read of firm rows is written to the audit table.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request

from industrial_brain.api.deps import CSV, CurrentRole, StoreDep, audit, records, render, send
from industrial_brain.api.params import Fmt, Lang, Member, Uscc
from industrial_brain.api.schemas import Message, Page
from industrial_brain.services import enterprises as enterprise_service
from industrial_brain.services import mu_board as service

router = APIRouter(prefix="/mu", tags=["per-mu evaluation"])
Year = Annotated[int | None, Query(ge=1949, le=2100, description="accounts year (default: the latest)")]
Sort = Literal[
    "uscc",
    "-uscc",
    "name",
    "-name",
    "score",
    "-score",
    "class",
    "-class",
    "region_code",
    "-region_code",
    "sector_code",
    "-sector_code",
    "maturity_level",
    "-maturity_level",
]
_ERRORS = {400: {"model": Message}, 401: {"model": Message}, 403: {"model": Message}}


def _clean(value: Any) -> Any:
    """JSON-ready: NaN and infinities → None, numpy scalars → Python, recursively."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@router.get("/firms", response_model=Page, responses={200: CSV, **_ERRORS})
def list_firms(
    request: Request,
    store: StoreDep,
    who: Member,
    search: Annotated[str | None, Query(max_length=60, description="name or USCC contains")] = None,
    region: Annotated[str | None, Query(max_length=20, description="region code or its province")] = None,
    sector: Annotated[str | None, Query(max_length=40, description="sector code")] = None,
    cls: Annotated[Literal["A", "B", "C", "D"] | None, Query(alias="class", description="亩均 class")] = None,
    tier: Annotated[Literal["none", "innovative", "specialised", "little_giant"] | None, Query()] = None,
    year: Year = None,
    sort: Annotated[Sort, Query(description="sort key, '-' first for descending")] = "uscc",
    limit: Annotated[int, Query(ge=1, le=10000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
    format: Fmt = "json",
    lang: Lang = "en",
):
    """Firms with accounts: name, USCC, region, sector, size, 亩均 score, class and rank (the newest
    evaluation run), digital-maturity level (latest assessment) and SME tier (the year's accounts);
    searchable, filterable, sorted and paged (``format=csv``: the page as CSV)."""
    f, withheld, meta = service.firm_board(
        store,
        who,
        search=search or None,
        region=region or None,
        sector=sector or None,
        cls=cls,
        tier=tier,
        year=year,
        sort=sort,
    )
    part = enterprise_service.with_sector_names(
        f.iloc[offset : offset + limit], store, lang, column="sector_code"
    )
    audit(
        store,
        who,
        "read",
        "mu:firms",
        f"list {len(part)} of {len(f)} rows ({withheld} withheld); search={search!r} region={region} "
        f"sector={sector} class={cls} tier={tier} year={year} format={format}",
    )
    body = Page(
        data=records(part),
        count=len(f),
        limit=limit,
        offset=offset,
        withheld=withheld,
        run_id=meta.get("run_id"),
        rules=meta.get("rules"),
        year=meta.get("year"),
    )
    return send(request, render(body.model_dump(), frame=part, fmt=format), private=True)


@router.get("/firms/{uscc}/profile", responses=_ERRORS, response_model=None)
def firm_profile(request: Request, store: StoreDep, who: Member, uscc: Uscc, year: Year = None) -> dict:
    """One firm: registration, accounts trend, 亩均 score with each indicator, what lifts it a class
    and the factor prices of its class, maturity level, SME tier checks."""
    body = service.firm_profile(store, who, uscc, year=year)
    audit(store, who, "read", f"mu:firm:{body['uscc']}", f"profile year={body['year']} grade={body['grade']}")
    return send(request, render(_clean(body)), private=True)


@router.get("/rollups", response_model=Page, responses={200: CSV, 400: {"model": Message}})
def rollups(
    request: Request,
    store: StoreDep,
    who: CurrentRole,
    by: Annotated[Literal["county", "sector"], Query(description="county or sector")] = "county",
    year: Year = None,
    format: Fmt = "json",
    lang: Lang = "en",
):
    """Firms, class shares, mean score and per-mu tax and value added (万元/亩) by county or sector
    and year, from the newest evaluation run; small and dominated cells suppressed (open to all)."""
    t, meta = service.class_rollup(store, by=by, year=year)
    if by == "sector":
        t = enterprise_service.with_sector_names(t, store, lang, column="sector")
    body = Page(
        data=records(t),
        count=len(t),
        by=by,
        k=meta["k"],
        run_id=meta["run_id"],
        rules=meta["rules"],
        suppressed=int(t["suppressed"].sum()) if len(t) else 0,
    )
    return send(request, render(body.model_dump(), frame=t, fmt=format))
