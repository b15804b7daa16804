"""Monitoring and early warning: alerts (list, one with its evidence, acknowledge, close), the rules,
and the caller's subscriptions (:mod:`industrial_brain.services.monitor`).

An alert's grade is the highest grade of the datasets it rests on: lists withhold what the caller may
not read (and say how many), a single read refuses; reads of important or core alerts are audited.
Alerts change with every evaluation and state change, so these answers are never cached.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from industrial_brain.api.deps import CSV, CurrentRole, StoreDep, audit, records, render, send
from industrial_brain.api.params import Fmt, Lang, Member, Runner
from industrial_brain.api.schemas import AlertPublic, AlertReasonIn, Message, Page, SubscriptionIn
from industrial_brain.api.security import Principal
from industrial_brain.services import monitor as service
from industrial_brain.services.access import highest_grade

router = APIRouter(prefix="/monitor", tags=["monitor"])
REFUSED = {400: {"model": Message}, 401: {"model": Message}, 403: {"model": Message}}
AlertId = Annotated[str, Path(max_length=40)]
Code = Annotated[str | None, Query(max_length=80)]


def _read(request: Request, store, who: Principal, grade: str, what: str, rendered) -> object:
    if grade != "general":
        query = request.scope.get("query_string", b"").decode("latin-1")[:500]
        audit(store, who, "read", what, f"grade={grade} {query}".strip())
    return send(request, rendered, private=True)


@router.get("/alerts", response_model=Page, responses={200: CSV, **REFUSED})
def alerts(
    request: Request,
    store: StoreDep,
    who: CurrentRole,
    severity: Annotated[str | None, Query(pattern="^(critical|warning|info)$")] = None,
    state: Annotated[str | None, Query(pattern="^(open|acknowledged|closed)$")] = None,
    region: Code = None,
    rule: Code = None,
    lang: Lang = "en",
    limit: Annotated[int, Query(ge=1, le=10000)] = 1000,
    offset: Annotated[int, Query(ge=0)] = 0,
    format: Fmt = "json",
):
    """Alerts the caller may read, most recently changed first, filtered by severity, state, region
    and rule; ``withheld``: matching alerts above the caller's grade."""
    f, withheld = service.alerts(
        store, who, state=state, severity=severity, region_code=region, rule=rule, lang=lang
    )
    part = f.iloc[offset : offset + limit]
    body = {"data": records(part), "count": len(f), "limit": limit, "offset": offset, "withheld": withheld}
    grade = highest_grade(part["grade"]) if len(part) else "general"
    return _read(request, store, who, grade, "alerts", render(body, frame=part, fmt=format))


@router.get("/alerts/{alert_id}", response_model=AlertPublic, responses=REFUSED)
def alert(request: Request, store: StoreDep, who: CurrentRole, alert_id: AlertId):
    """One alert with the evidence that fired it, the lineage of its data and its state changes."""
    a = service.alert(store, alert_id, who)
    return _read(request, store, who, a["grade"], f"alert:{alert_id}", render(a))


@router.post("/alerts/{alert_id}/ack", response_model=AlertPublic, responses=REFUSED)
def acknowledge(request: Request, store: StoreDep, who: Runner, alert_id: AlertId, body: AlertReasonIn):
    """Acknowledge an open alert, saying why (admin, analyst; audited)."""
    a = service.acknowledge(store, alert_id, actor=who.actor, reason=body.reason, who=who)
    return send(request, render(a), private=True)


@router.post("/alerts/{alert_id}/close", response_model=AlertPublic, responses=REFUSED)
def close(request: Request, store: StoreDep, who: Runner, alert_id: AlertId, body: AlertReasonIn):
    """Close an open or acknowledged alert, saying why (admin, analyst; audited)."""
    a = service.close(store, alert_id, actor=who.actor, reason=body.reason, who=who)
    return send(request, render(a), private=True)


@router.get("/rules", response_model=Page)
def rules(request: Request, lang: Lang = "en"):
    """The shipped alarm rules: code, kind, severity, name, thresholds, scope and why."""
    f = service.rules_frame(None, lang)
    return send(request, render({"data": records(f), "count": len(f)}))


@router.get("/subscriptions", response_model=Page, responses=REFUSED)
def subscriptions(request: Request, store: StoreDep, who: Member):
    """The caller's active subscriptions."""
    f = service.subscriptions(store, who.username)
    return send(request, render({"data": records(f), "count": len(f)}), private=True)


@router.post("/subscriptions", response_model=Page, status_code=201, responses=REFUSED)
def subscribe(request: Request, store: StoreDep, who: Member, body: SubscriptionIn):
    """Subscribe the caller to the alerts of some rules, regions or tags (it receives only the alerts
    of the grades it may read)."""
    sub = service.subscribe(
        store,
        who.username,
        body.channel,
        body.target,
        rules=body.rules,
        regions=body.regions,
        tags=body.tags,
        actor=who.actor,
    )
    mine = service.subscriptions(store, who.username)
    mine = mine[mine["subscription_id"] == sub["subscription_id"]]
    answer = send(request, render({"data": records(mine), "count": len(mine)}), private=True)
    answer.status_code = 201
    return answer


@router.post("/subscriptions/{subscription_id}/stop", response_model=Message, responses=REFUSED)
def unsubscribe(
    request: Request, store: StoreDep, who: Member, subscription_id: Annotated[str, Path(max_length=40)]
):
    """Stop one of the caller's subscriptions (audited)."""
    service.unsubscribe(store, subscription_id, who.username, actor=who.actor)
    return send(request, render({"detail": f"subscription {subscription_id} stopped"}), private=True)
