"""Data products and governed sharing between departments: the catalogue, a product's page, its rows,
aggregates (differentially private where due) and query-only answers, requests, the steward's inbox,
decisions, revocations and the holder's usage report (:mod:`industrial_brain.services.sharing`).

Reads of a product are never served from the answer cache: each one is checked against the grants
at that moment and recorded as a use (``grant_use`` and the audit's ``data_use``). A write empties the
answer cache, since what is held changes what other routes may list.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request

from industrial_brain.api.deps import CSV, CurrentRole, StoreDep, records, render, require_roles, send
from industrial_brain.api.params import Fmt
from industrial_brain.api.schemas import (
    AccessRequestIn,
    AggregatesPublic,
    DataProductIn,
    DataProductPublic,
    DataProductsPublic,
    DecisionIn,
    GrantPublic,
    GrantsPublic,
    Message,
    Page,
    ReasonIn,
    UsagePublic,
    VerifyPublic,
)
from industrial_brain.api.security import Principal
from industrial_brain.services import sharing

router = APIRouter(prefix="/data", tags=["data"])

Steward = Annotated[Principal, Depends(require_roles("admin", "steward"))]
Requester = Annotated[Principal, Depends(require_roles("admin", "analyst", "steward"))]
#: Rows and query-only answers: accounts that can belong to a department (or admin).
Reader = Requester
ProductId = Annotated[str, Path(min_length=1, max_length=80)]
GrantId = Annotated[str, Path(min_length=1, max_length=80)]
REFUSED = {400: {"model": Message}, 401: {"model": Message}, 403: {"model": Message}}


def _changed(request: Request) -> None:
    request.app.state.cache.clear()  # what is held changes what other routes may list


@router.get("/products", response_model=DataProductsPublic, responses={400: {"model": Message}})
def products(
    request: Request,
    store: StoreDep,
    who: CurrentRole,
    q: Annotated[str | None, Query(max_length=200, description="words of the title or description")] = None,
    holder: Annotated[str | None, Query(max_length=80)] = None,
    grade: Annotated[Literal["general", "important", "core"] | None, Query()] = None,
):
    """The catalogue: data products (the public sees the general ones), searched by words, holder, grade."""
    data = sharing.catalogue(store, who, search=q, holder=holder, grade=grade)
    return send(request, render({"data": data, "count": len(data)}), private=who.role != "public")


@router.post("/products", response_model=DataProductPublic, status_code=201, responses=REFUSED)
def publish(request: Request, store: StoreDep, who: Steward, body: DataProductIn):
    """Publish a dataset, run, release or query-only API as a product of the steward's department."""
    p = sharing.publish(store, who, **body.model_dump())
    _changed(request)
    return p


@router.get("/products/{product_id}", response_model=DataProductPublic, responses=REFUSED)
def product(request: Request, store: StoreDep, who: CurrentRole, product_id: ProductId):
    """A product's page: metadata, what the caller may read now (``access``), its grants, budgets left."""
    return send(request, render(sharing.product_page(store, who, product_id)), private=True)


@router.get("/products/{product_id}/rows", response_model=Page, responses={200: CSV, **REFUSED})
def rows(
    request: Request,
    store: StoreDep,
    who: Reader,
    product_id: ProductId,
    limit: Annotated[int, Query(ge=1, le=10000)] = 500,
    offset: Annotated[int, Query(ge=0)] = 0,
    format: Fmt = "json",
):
    """Row-level data within the grant's scope (a ``rows`` grant, the holder or admin); CSV export too."""
    part, n = sharing.read_rows(store, who, product_id, limit=limit, offset=offset)
    body = {"data": records(part), "count": n, "limit": limit, "offset": offset}
    return send(request, render(body, frame=part, fmt=format), private=True)


@router.get("/products/{product_id}/aggregates", response_model=AggregatesPublic, responses=REFUSED)
def aggregates(
    request: Request,
    store: StoreDep,
    who: CurrentRole,
    product_id: ProductId,
    by: Annotated[str, Query(min_length=1, max_length=80, description="e.g. sector, region_code, year")],
    statistic: Annotated[Literal["count", "sum", "mean"], Query()] = "count",
    measure: Annotated[str | None, Query(max_length=80)] = None,
    epsilon: Annotated[float, Query(gt=0, le=10, description="privacy loss of a DP answer")] = 0.5,
):
    """Counts, sums or means per cell; differentially private (with the noise scale of every figure)
    for enterprise data under an aggregates-only grant or a public release."""
    out = sharing.read_aggregates(
        store, who, product_id, by=by, statistic=statistic, measure=measure, epsilon=epsilon
    )
    return send(request, render(out), private=True)


@router.get("/products/{product_id}/verify", response_model=VerifyPublic, responses=REFUSED)
def verify(
    request: Request,
    store: StoreDep,
    who: Reader,
    product_id: ProductId,
    key: Annotated[str, Query(min_length=1, max_length=40, description="a USCC or a region code")],
    measure: Annotated[str, Query(min_length=1, max_length=80)],
    at_least: Annotated[float, Query(ge=-1e15, le=1e15)],
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
):
    """A query-only answer: whether the record has ``measure ≥ at_least`` (true / false / null), no value."""
    out = sharing.verify(store, who, product_id, key=key, measure=measure, at_least=at_least, year=year)
    return send(request, render(out), private=True)


@router.post(
    "/products/{product_id}/requests", response_model=GrantPublic, status_code=201, responses=REFUSED
)
def request_access(store: StoreDep, who: Requester, product_id: ProductId, body: AccessRequestIn):
    """Ask for a product for the caller's department: purpose, output form, days, scope, ε."""
    scope = body.scope.model_dump(exclude_none=True) if body.scope else {}
    return sharing.request_access(
        store, who, product_id, purpose=body.purpose, form=body.form, days=body.days, scope=scope,
        epsilon=body.epsilon,
    )  # fmt: skip


@router.get("/inbox", response_model=GrantsPublic, responses=REFUSED)
def inbox(
    request: Request,
    store: StoreDep,
    who: Steward,
    status: Annotated[Literal["pending", "approved", "refused", "revoked"] | None, Query()] = "pending",
):
    """The steward's inbox: requests for its department's products (admin: every department's)."""
    data = sharing.inbox(store, who, status=status)
    return send(request, render({"data": data, "count": len(data)}), private=True)


@router.post("/requests/{grant_id}/decision", response_model=GrantPublic, responses=REFUSED)
def decide(request: Request, store: StoreDep, who: Steward, grant_id: GrantId, body: DecisionIn):
    """Approve or refuse a pending request, with a reason (the holder's steward or admin)."""
    g = sharing.decide(store, who, grant_id, approve=body.approve, reason=body.reason)
    _changed(request)
    return g


@router.post("/grants/{grant_id}/revoke", response_model=GrantPublic, responses=REFUSED)
def revoke(request: Request, store: StoreDep, who: Steward, grant_id: GrantId, body: ReasonIn):
    """Revoke a grant at once (the holder's steward or admin)."""
    g = sharing.revoke(store, who, grant_id, reason=body.reason)
    _changed(request)
    return g


@router.get("/usage", response_model=UsagePublic, responses=REFUSED)
def usage(
    request: Request,
    store: StoreDep,
    who: Steward,
    holder: Annotated[str | None, Query(max_length=80, description="department (admin)")] = None,
):
    """The holder's usage report: every use of its products (who, what, when, rows, ε) per grant."""
    return send(request, render(sharing.usage_report(store, who, holder=holder)), private=True)
