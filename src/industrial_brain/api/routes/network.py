"""The firm-level production network: flows, chain leaders, single points of failure, cascades, chain
gaps, candidate suppliers, matchmaking and a firm's own suppliers and customers.

Access (the policy is :mod:`industrial_brain.services.access`; the firm and transaction rows are at
least ``important``):

* **admin, analyst** — every firm-level result (``/leaders``, ``/spof``, ``/cascade``, ``/gaps``,
  ``/targets``, ``/match``, any firm's ``/firms/{uscc}/partners``) and the full flows; an analyst is
  refused (403) when a network dataset is ``core``, and a firm with core rows. Every read is audited.
* **enterprise** — its own firm's suppliers and customers only (``/firms/{its uscc}/partners``;
  another USCC answers 403 whatever it is) and the flows as the public sees them.
* **public** — only ``/flows``: province × sector cells, suppressed as enterprise aggregates are (a
  cell under 3 distinct sellers or buyers, or dominated by one firm under the p% rule, keeps its key
  but no amount, records or firm counts; :func:`industrial_brain.services.network.released_flows`).

Every computation runs on the embedded engine (DuckDB): Spark is for the command line and batch work
(``ibrain network … --engine spark``), not for a web request. Errors carry ``detail_zh``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from industrial_brain.api.deps import CSV, CurrentRole, StoreDep, audit, cached, records, render, send
from industrial_brain.api.params import Fmt, Lang, Member, Runner, Uscc
from industrial_brain.api.schemas import Message
from industrial_brain.api.security import Principal
from industrial_brain.errors import AccessError
from industrial_brain.services import network as service

router = APIRouter(prefix="/network", tags=["network"])

Year = Annotated[int | None, Query(ge=1990, le=2100, description="the year's flows (default: the last year)")]
Limit = Annotated[int, Query(ge=1, le=10000)]
Region = Annotated[str, Query(pattern=r"^[0-9]{6}$", description="province code, e.g. 440000")]
Chain = Annotated[Literal[tuple(service.CHAINS)], Query(description="target chain (its core IO sectors)")]  # type: ignore[valid-type]
DENIED = {400: {"model": Message}, 401: {"model": Message}, 403: {"model": Message}}


class NetworkPage(BaseModel):
    """Rows of a network result with its notes (and, where it has them, totals)."""

    data: list[dict[str, Any]]
    count: int
    notes: list[str] = Field(default_factory=list)
    suppressed: int | None = Field(None, description="cells whose amount was withheld (flows)")
    totals: dict[str, float | int | str] | None = None


def _answer(
    request: Request,
    store,
    who: Principal,
    what: str,
    frame: pd.DataFrame,
    res,
    *,
    limit: int,
    fmt: str,
    totals: dict | None = None,
):
    """Render a firm-level answer (audited read, private)."""
    if frame.index.names != [None]:
        frame = frame.reset_index()
    part = frame.head(limit)
    audit(store, who, "read", f"network:{what}", f"{len(part)} of {len(frame)} rows format={fmt}")
    body = NetworkPage(data=records(part), count=len(frame), notes=list(res.notes), totals=totals)
    return send(request, render(body.model_dump(exclude_none=True), frame=part, fmt=fmt), private=True)


@router.get("/flows", response_model=NetworkPage, responses={200: CSV, 400: {"model": Message}})
def flows(request: Request, store: StoreDep, who: CurrentRole, year: Year = None, format: Fmt = "json"):
    """Province × sector flows summed from the transactions (``amount_cny``, ``records``, distinct
    ``sellers`` and ``buyers``). Admin and analysts cleared for the network data get every cell;
    everyone else gets the released cells: under 3 sellers or buyers, or dominated by one firm
    (p% rule), a cell keeps its key and ``suppressed: true`` but no amount."""
    full = who.role in service.FIRM_LEVEL_ROLES and _cleared(store, who)
    grade = service.check_firm_level(store, who) if full else "general"

    def make():
        res = (
            service.flows(store, year=year, firm_counts=True)
            if full
            else service.released_flows(store, year=year)
        )
        frame = res.to_frame()
        body = NetworkPage(
            data=records(frame), count=len(frame), notes=list(res.notes), suppressed=res.suppressed
        )
        return render(body.model_dump(exclude_none=True), frame=frame, fmt=format)

    return cached(request, who, make, grade=grade, store=store, what="network:flows")


def _cleared(store, who: Principal) -> bool:
    try:
        service.check_firm_level(store, who)
    except AccessError:  # an analyst facing a core dataset: the released cells, like everyone
        return False
    return True


@router.get("/leaders", response_model=NetworkPage, responses={200: CSV, **DENIED})
def leaders(
    request: Request,
    store: StoreDep,
    who: Runner,
    year: Year = None,
    rank_by: Literal["output_at_risk", "pagerank_supplier", "pagerank_buyer"] = "output_at_risk",
    limit: Limit = 100,
    format: Fmt = "json",
    lang: Lang = "en",
):
    """Chain leaders (链主): per firm the two weighted PageRanks and the output at risk if it stops
    (Σ_j z_kj / m_j · x_j), ranked; with the firm's name."""
    service.check_firm_level(store, who)
    res = service.leaders(store, year=year, rank_by=rank_by)
    frame = service.with_firm_names(store, res.table.reset_index())
    return _answer(request, store, who, "leaders", service.relabel(frame, lang), res, limit=limit, fmt=format)


@router.get("/spof", response_model=NetworkPage, responses={200: CSV, **DENIED})
def spof(
    request: Request,
    store: StoreDep,
    who: Runner,
    year: Year = None,
    bound: Annotated[float, Query(gt=0, le=1)] = 0.9,
    min_input_share: Annotated[float, Query(ge=0, le=1)] = 0.05,
    limit: Limit = 100,
    format: Fmt = "json",
    lang: Lang = "en",
):
    """Single points of failure (单点依赖): region–sectors whose purchases of an input pass through
    one firm (share ≥ ``bound``) or two."""
    service.check_firm_level(store, who)
    res = service.spof(store, year=year, bound=bound, min_input_share=min_input_share)
    return _answer(request, store, who, "spof", res.to_frame(lang), res, limit=limit, fmt=format)


@router.get("/cascade", response_model=NetworkPage, responses={200: CSV, **DENIED})
def cascade(
    request: Request,
    store: StoreDep,
    who: Runner,
    firm: Annotated[
        list[str], Query(min_length=1, max_length=20, description="USCCs of the firms that stop")
    ],
    year: Year = None,
    days: Annotated[int, Query(ge=1, le=365)] = 30,
    inventory_days: Annotated[float, Query(ge=0, le=365)] = 15.0,
    level: Literal["firm", "region", "day"] = "firm",
    limit: Limit = 100,
    format: Fmt = "json",
    lang: Lang = "en",
):
    """The day-by-day supply cascade when the firms ``firm`` stop, every firm holding
    ``inventory_days`` of each input: the firms hit (or the regions, or the days) and the totals."""
    service.check_firm_level(store, who)
    res = service.cascade(
        store, [f.strip().upper() for f in firm], year=year, days=days, inventory_days=inventory_days
    )
    totals = {
        "total_output_lost": float(res.total_output_lost),
        "direct_output_lost": float(res.direct_output_lost),
        "firms_hit": int(len(res.firms)),
        "days": int(res.days),
    }
    frame = res.to_frame(lang, level=level)
    return _answer(request, store, who, "cascade", frame, res, limit=limit, fmt=format, totals=totals)


@router.get("/gaps", response_model=NetworkPage, responses={200: CSV, **DENIED})
def gaps(
    request: Request,
    store: StoreDep,
    who: Runner,
    region: Region,
    chain: Chain = "electronics",
    year: Year = None,
    format: Fmt = "json",
    lang: Lang = "en",
):
    """The links of a province's chain against the national IO structure: coverage by local
    suppliers, status (missing / weak / strong) and action (补链 / 强链 / 延链)."""
    service.check_firm_level(store, who)
    res = service.gaps(store, region, chain=chain, year=year)
    return _answer(request, store, who, "gaps", res.to_frame(lang), res, limit=10000, fmt=format)


@router.get("/targets", response_model=NetworkPage, responses={200: CSV, **DENIED})
def targets(
    request: Request,
    store: StoreDep,
    who: Runner,
    region: Region,
    chain: Chain = "electronics",
    year: Year = None,
    candidates: Annotated[int, Query(ge=1, le=50)] = 5,
    format: Fmt = "json",
    lang: Lang = "en",
):
    """Candidate firms in other provinces for each gap of the chain (精准招商), ranked, with the
    reasons (size, reliability, distance, sector fit)."""
    service.check_firm_level(store, who)
    res = service.targets(store, region, chain=chain, year=year, candidates=candidates)
    frame = service.with_firm_names(
        store, res.to_frame(lang, level="candidates").reset_index(), _candidate_column(lang)
    )
    return _answer(request, store, who, "targets", frame, res, limit=10000, fmt=format)


def _candidate_column(lang: str) -> str:
    return service.relabel(pd.DataFrame(columns=["candidate"]), lang).columns[0]


@router.get("/match", response_model=NetworkPage, responses={200: CSV, **DENIED})
def match(
    request: Request,
    store: StoreDep,
    who: Runner,
    region: Region,
    year: Year = None,
    far_km: Annotated[float, Query(ge=0, le=10000)] = 500.0,
    spare_share: Annotated[float, Query(ge=0, le=1)] = 0.2,
    limit: Limit = 100,
    format: Fmt = "json",
    lang: Lang = "en",
):
    """Supply–demand matchmaking (供需对接): the province's buyers sourcing an input farther than
    ``far_km``, matched with nearer suppliers within their spare capacity, each match explained."""
    service.check_firm_level(store, who)
    res = service.match(store, region, year=year, far_km=far_km, spare_share=spare_share)
    totals = {"cost_before": float(res.cost_before), "cost_after": float(res.cost_after)}
    return _answer(
        request, store, who, "match", res.to_frame(lang), res, limit=limit, fmt=format, totals=totals
    )


@router.get("/firms/{uscc}/partners", response_model=NetworkPage, responses={200: CSV, **DENIED})
def partners(
    request: Request,
    store: StoreDep,
    who: Member,
    uscc: Uscc,
    year: Year = None,
    format: Fmt = "json",
):
    """One firm's suppliers and customers with the amounts traded per year and their shares. An
    enterprise account reads its own firm only (another USCC: 403)."""
    res = service.partners(store, uscc, who, year=year)
    return _answer(request, store, who, f"partners:{res.uscc}", res.to_frame(), res, limit=10000, fmt=format)
