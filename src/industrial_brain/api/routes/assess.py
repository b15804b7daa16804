"""Enterprise self-assessment (services.assess): questionnaire template, submit answers, profile
(level, dimensions against the sector benchmark, roadmap). Enterprise accounts act only for their
own enterprise; a profile is read under the enterprise-row policy of
:mod:`industrial_brain.services.access` (analysts: never a firm with core rows); every submission and
profile read is audited; sector benchmarks are withheld
below k = 3 peers by the service. Handlers check access, call the service and shape its answer."""

from __future__ import annotations

import datetime as _dt
from typing import Annotated

import numpy as np
import pandas as pd
from fastapi import APIRouter, Query, Request

from industrial_brain.api.deps import (
    CurrentRole,
    StoreDep,
    audit,
    cached,
    records,
    render,
    send,
)
from industrial_brain.api.params import Firm, Lang, Member, Uscc
from industrial_brain.api.schemas import AssessmentIn, AssessmentPublic, DraftIn, DraftPublic, Message
from industrial_brain.api.security import Principal
from industrial_brain.errors import AccessError, InputError
from industrial_brain.services import access
from industrial_brain.services import assess as assess_service

router = APIRouter(prefix="/assess", tags=["assess"])
MODEL = assess_service.DEFAULT_MODEL


def _target(who: Principal, uscc: str | None) -> str:
    if who.role == "enterprise":
        if uscc and uscc != who.uscc:
            raise AccessError("an enterprise account acts only for its own enterprise")
        return who.uscc
    if not uscc:
        raise InputError.at(
            "which enterprise?", column="uscc", expected="the USCC of a registered enterprise"
        )
    return uscc


@router.get("/template", responses={400: {"model": Message}})
def template(
    request: Request,
    who: CurrentRole,
    lang: Lang = "en",
    sector: Annotated[
        str | None, Query(max_length=80, description="only the questions this sector answers")
    ] = None,
):
    """The questionnaire of the default maturity model: questions, dimensions, answer options or
    ranges, sector variants; with ``sector`` only the questions an enterprise of that sector answers."""
    return cached(request, who, lambda: render(assess_service.questionnaire(MODEL, lang=lang, sector=sector)))


@router.post(
    "/submissions",
    response_model=AssessmentPublic,
    status_code=201,
    responses={400: {"model": Message}, 401: {"model": Message}, 403: {"model": Message}},
)
def submit(request: Request, store: StoreDep, who: Member, body: AssessmentIn):
    """Score and store one questionnaire (all or nothing); answers the score and level."""
    uscc = _target(who, body.uscc)
    sub = assess_service.submit_assessment(store, uscc, body.answers, taken_on=body.taken_on, model=MODEL)
    audit(
        store,
        who,
        "assessment_submit",
        f"enterprise:{uscc}",
        f"dataset={sub.dataset_id} skipped={sub.skipped}",
    )
    request.app.state.cache.clear()
    return AssessmentPublic(
        uscc=sub.uscc,
        dataset_id=sub.dataset_id,
        total_score=sub.total_score,
        level=sub.level,
        skipped=sub.skipped,
    )


DRAFT_ERRORS = {400: {"model": Message}, 401: {"model": Message}, 403: {"model": Message}}


@router.get("/draft", response_model=DraftPublic, responses=DRAFT_ERRORS)
def get_draft(request: Request, store: StoreDep, who: Firm):
    """The caller's own questionnaire draft (enterprise accounts only): the answers saved so far."""
    return send(request, render(assess_service.draft(store, who.uscc)), private=True)


@router.put("/draft", response_model=DraftPublic, responses=DRAFT_ERRORS)
def put_draft(request: Request, store: StoreDep, who: Firm, body: DraftIn):
    """Save the caller's answers so far as its draft (replacing the last one); deleted on submission."""
    d = assess_service.save_draft(store, who.uscc, body.answers, by=who.username)
    audit(store, who, "assessment_draft", f"enterprise:{who.uscc}", f"answers={len(body.answers)}")
    return send(request, render(d), private=True)


def _jsonable(v):
    if isinstance(v, (np.floating, float)):
        return None if not np.isfinite(v) else float(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (pd.Timestamp, _dt.date)):
        return str(v)[:10]
    return v if v is None or isinstance(v, (str, int, bool, list, dict)) else str(v)


@router.get(
    "/profile/{uscc}", responses={400: {"model": Message}, 401: {"model": Message}, 403: {"model": Message}}
)
def profile(
    request: Request,
    store: StoreDep,
    who: Member,
    uscc: Uscc,
    lang: Lang = "en",
):
    """Latest level and score, dimension scores against the sector benchmark, blocking rules, roadmap."""
    uscc = _target(who, uscc)
    grade = access.check_enterprise(store, who, uscc)  # analysts: never a firm with core rows
    p = assess_service.enterprise_profile(store, uscc)
    audit(store, who, "read", f"enterprise:{uscc}:profile", f"grade={grade}")
    dims = p.dimensions.reset_index()
    roadmap = p.roadmap.reset_index() if p.roadmap is not None else pd.DataFrame()
    traj = p.trajectory.reset_index() if p.trajectory is not None else pd.DataFrame()
    latest = {k: _jsonable(v) for k, v in p.latest.items()}
    body = {
        "uscc": p.uscc,
        "name": p.name,
        "sector": p.sector,
        "region": p.region,
        "size_class": p.size_class,
        "latest": latest,
        "next_level": p.next_level,
        "blocking": list(p.blocking),
        "sector_n": int(p.sector_n),
        "k": int(p.k),
        "sector_percentile": _jsonable(p.sector_percentile) if p.sector_n >= p.k else None,
        "dimensions": records(dims),
        "roadmap": records(roadmap),
        "trajectory": records(traj),
        "summary": p.summary(lang),
    }
    return send(request, render(body), private=True)
