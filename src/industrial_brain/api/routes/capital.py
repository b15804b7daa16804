"""The capital chain: financing matchmaking, listing-board eligibility and financing-structure
indicators. Financing needs, fund mandates and firm accounts are firm-level data (important at
least): never served to the public role; an enterprise account gets its own firm's rows only. The
indicators are aggregates: served to every role, suppressed for those without clearance."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from industrial_brain.api.deps import CSV, CurrentRole, StoreDep, audit, cached, records, render, send
from industrial_brain.api.params import Fmt, Member
from industrial_brain.api.schemas import Message, Page
from industrial_brain.services import capital as service

router = APIRouter(prefix="/capital", tags=["capital"])

Region = Annotated[
    str | None, Query(pattern=r"^[0-9]{6}$", description="GB/T 2260 code", examples=["320000"])
]
ERRORS = {200: CSV, 400: {"model": Message}, 401: {"model": Message}, 403: {"model": Message}}


def _body(frame, lineage, notes=(), **extra):
    return {
        "data": records(frame),
        "count": len(frame),
        "notes": list(notes),
        "lineage": lineage.to_dict(),
        **extra,
    }


@router.get("/match", response_model=Page, responses=ERRORS)
def match(
    request: Request,
    store: StoreDep,
    who: Member,
    region: Region = None,
    method: Annotated[Literal["auto", "exact", "lp"], Query()] = "auto",
    unmatched: Annotated[bool, Query(description="the unmet needs and why, instead of the matches")] = False,
    format: Fmt = "json",
):
    """Needs matched to sources under capacities, each match explained (or the unmet needs and why)."""
    r, grade = service.capital_match(store, who, region=region, method=method)
    frame = r.unmatched if unmatched else r.to_frame("en")
    audit(store, who, "read", "capital:match", f"grade={grade} rows={len(frame)}")
    body = _body(frame, r.lineage, r.notes, method=r.method, gap=r.gap)
    return send(request, render(body, frame=frame, fmt=format), private=True)


@router.get("/eligibility", response_model=Page, responses=ERRORS)
def eligibility(
    request: Request,
    store: StoreDep,
    who: Member,
    region: Region = None,
    on: Annotated[
        str | None, Query(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", description="rules in force on")
    ] = None,
    candidates: Annotated[bool, Query(description="only the boards each firm qualifies for")] = False,
    format: Fmt = "json",
):
    """Each firm against the STAR Market, ChiNext and BSE standards (every version), with margins."""
    r, grade = service.capital_eligibility(store, who, region=region, on=on)
    frame = r.candidates if candidates else r.to_frame("en")
    audit(store, who, "read", "capital:eligibility", f"grade={grade} rows={len(frame)}")
    body = _body(frame, r.lineage, sources=r.sources)
    return send(request, render(body, frame=frame, fmt=format), private=True)


@router.get("/indicators", response_model=Page, responses=ERRORS)
def indicators(
    request: Request,
    store: StoreDep,
    who: CurrentRole,
    by: Annotated[Literal["region", "sector", "region_sector"], Query()] = "region_sector",
    region: Region = None,
    format: Fmt = "json",
):
    """Debt reliance and financing structure per region and sector (suppressed without clearance)."""
    r, grade = service.capital_indicators(store, who, by=by, region=region)

    def make():
        f = r.to_frame("en")
        return render(_body(f, r.lineage), frame=f, fmt=format)

    return cached(request, who, make, grade=grade, store=store, what="capital:indicators")
