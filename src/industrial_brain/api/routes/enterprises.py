"""Enterprises and their assessment results (important data) and published aggregates over them.

Access (the policy is :mod:`industrial_brain.services.access`): an enterprise's rows carry the
highest grade of the datasets holding them (at least important). Admin reads every enterprise; an
analyst reads enterprises whose rows are important, never core (403); an enterprise account reads
only its own rows, whatever their grade (any other id answers 403, whatever the path, filter or
format); the public role reads no enterprise rows (401). The list leaves out the rows the caller may
not read and says how many (``withheld``).

Aggregates are open to every role and are served from **releases**
(:mod:`industrial_brain.services.releases`, made by ``ibrain assess release`` or an admin's
``POST /enterprises/releases`` job, listed at ``GET /enterprises/releases`` in
:mod:`industrial_brain.api.routes.releases`), never recomputed per request. A release suppresses
cells under ``k = 3`` enterprises and dominated cells (p% rule), adds complementary suppression
within and across its tables, publishes quartiles and shares only from ``n_min`` enterprises, and
is audited against every earlier release so that no published count, total or level count — in any
combination across tables and releases — isolates one or two firms
(:mod:`industrial_brain.micro.disclosure`, which also says what it does not protect against).
Differencing between a filtered and an unfiltered aggregate is not possible because aggregates take
no filters; differencing between releases is what the release audit checks. ``model`` chooses which
model's release is read (default: the model with the most assessed enterprises), since scores of
two models are not comparable.

"Latest assessment" is per enterprise and model: the list has one row per enterprise and model it
was assessed with, the record lists the latest assessment under each model. Every read of enterprise
rows here is written to the audit table (refusals by the app's error handler: ``read_denied``);
reads of released aggregates (published, general data) are not, so that a public read costs no
store write.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from industrial_brain.api.deps import CSV, CurrentRole, StoreDep, audit, cached, records, render, send
from industrial_brain.api.params import Fmt, Lang, Member, Uscc
from industrial_brain.api.schemas import AggregatePage, EnterprisePublic, Message, Page
from industrial_brain.api.security import Principal
from industrial_brain.errors import AccessError
from industrial_brain.services import access
from industrial_brain.services import enterprises as service

router = APIRouter(prefix="/enterprises", tags=["enterprises"])
Model = Annotated[str | None, Query(max_length=80, description="maturity model code (default: every model)")]


def _scope(who: Principal) -> str | None:
    """Row filter of the caller: an enterprise account sees its own enterprise only (its USCC)."""
    if who.role == "enterprise":
        return who.uscc
    if who.role not in ("admin", "analyst", "steward"):  # pragma: no cover - guarded by the dependency
        raise AccessError("no access to enterprise rows")
    return None


@router.get("", response_model=Page, responses={200: CSV, 401: {"model": Message}, 403: {"model": Message}})
def list_enterprises(
    request: Request,
    store: StoreDep,
    who: Member,
    sector: Annotated[str | None, Query(max_length=40)] = None,
    region: Annotated[str | None, Query(max_length=20)] = None,
    size_class: Annotated[str | None, Query(max_length=20)] = None,
    model: Model = None,
    search: Annotated[
        str | None, Query(max_length=60, description="name or USCC contains (case-insensitive)")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=10000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
    format: Fmt = "json",
    lang: Lang = "en",
):
    """Registered enterprises with their latest assessment per model (enterprise accounts: only their own;
    rows of a grade above the caller's clearance are left out and counted in ``withheld``)."""
    f = service.enterprise_list(
        store,
        uscc=_scope(who),
        sector=sector or None,
        region=region or None,
        size_class=size_class or None,
        model_code=model or None,
        search=search or None,
    )
    f, withheld, grade = access.readable_enterprises(store, who, f)
    part = service.with_sector_names(f.iloc[offset : offset + limit], store, lang, column="sector_code")
    audit(
        store,
        who,
        "read",
        "enterprise",
        f"list {len(part)} of {len(f)} rows ({withheld} withheld, grade={grade}); filters sector={sector} "
        f"region={region} size={size_class} model={model} search={search!r} format={format}",
    )
    body = Page(data=records(part), count=len(f), limit=limit, offset=offset, withheld=withheld)
    return send(request, render(body.model_dump(), frame=part, fmt=format), private=True)


@router.get("/aggregates", response_model=AggregatePage, responses={200: CSV, 400: {"model": Message}})
def aggregates(
    request: Request,
    store: StoreDep,
    who: CurrentRole,
    by: Annotated[
        list[Literal["sector", "region", "size_class"]] | None,
        Query(max_length=2, description="one or two groupings (default sector)"),
    ] = None,
    model: Annotated[
        str | None,
        Query(
            max_length=80,
            description="maturity model code (default: the model with the most assessed enterprises)",
        ),
    ] = None,
    format: Fmt = "json",
    lang: Lang = "en",
):
    """Mean, quartiles and level shares of the latest assessment scores under one model, by one or two
    groupings, as published in the model's latest release (``release_id``, ``made_at``): cells under
    k enterprises and dominated cells suppressed, plus complementary cells and cells the release
    audit withheld; quartiles and shares only from ``n_min`` enterprises. Served from the answer
    cache: the store is read once per release and URL.
    """

    def make():
        t = service.enterprise_aggregates(store, by or ["sector"], model_code=model or None)
        frame = service.with_sector_names(t.frame, store, lang)
        body = AggregatePage(
            data=records(frame),
            count=len(frame),
            by=list(t.by),
            k=t.k,
            suppressed=t.n_suppressed,
            model=t.model_code,
            release_id=t.release_id,
            made_at=t.made_at,
            period=t.period,
            p=t.p,
            n_min=t.n_min,
        )
        return render(body.model_dump(exclude_none=True), frame=frame, fmt=format)

    return cached(request, who, make)


@router.get(
    "/{uscc}",
    response_model=EnterprisePublic,
    responses={400: {"model": Message}, 401: {"model": Message}, 403: {"model": Message}},
)
def enterprise(request: Request, store: StoreDep, who: Member, uscc: Uscc, model: Model = None):
    """One enterprise with its latest assessment under each model (``latest``; ``model``: only that one)."""
    grade = access.check_enterprise(store, who, uscc)
    body = EnterprisePublic(**service.enterprise_record(store, uscc, model_code=model or None))
    audit(store, who, "read", f"enterprise:{uscc}", f"grade={grade}")
    return send(request, render(body.model_dump()), private=True)


@router.get(
    "/{uscc}/assessments",
    response_model=Page,
    responses={200: CSV, 400: {"model": Message}, 401: {"model": Message}, 403: {"model": Message}},
)
def assessments(
    request: Request,
    store: StoreDep,
    who: Member,
    uscc: Uscc,
    format: Fmt = "json",
):
    """Every scored assessment of one enterprise (dimension scores as JSON text)."""
    grade = access.check_enterprise(store, who, uscc)
    f = service.enterprise_assessments(store, uscc)
    audit(store, who, "read", f"enterprise:{uscc}:assessments", f"{len(f)} rows grade={grade}")
    body = Page(data=records(f), count=len(f))
    return send(request, render(body.model_dump(exclude_none=True), frame=f, fmt=format), private=True)
