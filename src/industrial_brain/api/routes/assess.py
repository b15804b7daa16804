"""Enterprise self-assessment (services.assess): questionnaire template, submit answers, profile
(level, dimensions against the sector benchmark, roadmap). Enterprise accounts act only for their
own enterprise; every submission and profile read is audited; sector benchmarks are withheld
below k = 3 peers by the service."""

from __future__ import annotations

import datetime as _dt
from typing import Annotated, Literal

import numpy as np
import pandas as pd
from fastapi import APIRouter, Depends, Path, Query, Request

from industrial_brain.api.deps import (
    CurrentRole,
    StoreDep,
    audit,
    cached,
    records,
    render,
    require_roles,
    send,
)
from industrial_brain.api.schemas import AssessmentIn, AssessmentPublic, Message
from industrial_brain.api.security import Principal
from industrial_brain.errors import AccessError, InputError
from industrial_brain.micro.model import load_model
from industrial_brain.services import assess as assess_service

router = APIRouter(prefix="/assess", tags=["assess"])
Member = Annotated[Principal, Depends(require_roles("admin", "analyst", "enterprise"))]
Uscc = Annotated[str, Path(min_length=1, max_length=40)]
MODEL = assess_service.DEFAULT_MODEL


def _target(who: Principal, uscc: str | None) -> str:
    if who.role == "enterprise":
        if uscc and uscc != who.uscc:
            raise AccessError("an enterprise account acts only for its own enterprise")
        return who.uscc
    if not uscc:
        raise InputError.at("which enterprise?", column="uscc", expected="the USCC of a registered enterprise")
    return uscc


@router.get("/template", responses={400: {"model": Message}})
def template(request: Request, who: CurrentRole, lang: Annotated[Literal["en", "zh"], Query()] = "en"):
    """The questionnaire of the default maturity model: questions, dimensions, answer options or ranges."""

    def make():
        m = load_model(MODEL)
        dims = {d.code: (d.name_zh if lang == "zh" else d.name_en) for d in m.dimensions}
        variant_of = {q.code: v.code for v in m.variants for q in v.extra_questions}
        qs = []
        for q in m.all_questions:
            item = {"code": q.code, "dimension": q.dimension, "dimension_name": dims.get(q.dimension),
                    "text": q.name_zh if lang == "zh" else q.name_en, "type": q.type, "required": bool(q.required),
                    "sector_variant": variant_of.get(q.code, "")}
            if q.type == "numeric":
                item.update(min=float(q.answer_min), max=float(q.answer_max), unit=q.unit or "")
            else:
                item["options"] = [{"code": o.code, "name": o.name_zh if lang == "zh" else o.name_en}
                                   for o in m.options_of(q)]
            qs.append(item)
        return render({"model": m.code, "version": str(m.version), "questions": qs, "count": len(qs)})

    return cached(request, who, make)


@router.post("/submissions", response_model=AssessmentPublic, status_code=201,
             responses={400: {"model": Message}, 401: {"model": Message}, 403: {"model": Message}})
def submit(request: Request, store: StoreDep, who: Member, body: AssessmentIn):
    """Score and store one questionnaire (all or nothing); answers the score and level."""
    uscc = _target(who, body.uscc)
    ent = store.con.execute("SELECT name, sector_code, region_code, size_class FROM enterprise WHERE uscc = ?",
                            [uscc]).fetchall()
    if not ent:
        raise InputError.at("enterprise not registered", column="uscc", value=uscc,
                            expected="a USCC registered with 'ibrain ingest --kind enterprise'")
    name, sector, region, size = ent[0]
    row = {"uscc": uscc, "name": name, "sector": sector, "region": region, "size_class": size}
    for k, v in body.answers.items():
        row[k] = ";".join(v) if isinstance(v, list) else v
    taken = body.taken_on or _dt.datetime.now(_dt.UTC).date().isoformat()
    rep = assess_service.ingest_answers(store, pd.DataFrame([row]), model=MODEL, taken_on=taken,
                                        file="api submission", synthetic=False)
    audit(store, who, "assessment_submit", f"enterprise:{uscc}", f"dataset={rep.dataset_id} skipped={rep.skipped}")
    request.app.state.cache.clear()
    res = store.con.execute("SELECT total_score, level FROM assessment_result WHERE uscc = ? AND dataset_id = ? "
                            "ORDER BY taken_on DESC LIMIT 1", [uscc, rep.dataset_id]).fetchall()
    score, level = res[0] if res else (None, None)
    return AssessmentPublic(uscc=uscc, dataset_id=rep.dataset_id, total_score=score, level=level,
                            skipped=bool(rep.skipped))


def _jsonable(v):
    if isinstance(v, (np.floating, float)):
        return None if not np.isfinite(v) else float(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (pd.Timestamp, _dt.date)):
        return str(v)[:10]
    return v if v is None or isinstance(v, (str, int, bool, list, dict)) else str(v)


@router.get("/profile/{uscc}", responses={400: {"model": Message}, 401: {"model": Message}, 403: {"model": Message}})
def profile(request: Request, store: StoreDep, who: Member, uscc: Uscc,
            lang: Annotated[Literal["en", "zh"], Query()] = "en"):
    """Latest level and score, dimension scores against the sector benchmark, blocking rules, roadmap."""
    uscc = _target(who, uscc)
    p = assess_service.enterprise_profile(store, uscc)
    audit(store, who, "read", f"enterprise:{uscc}:profile")
    dims = p.dimensions.reset_index()
    roadmap = p.roadmap.reset_index() if p.roadmap is not None else pd.DataFrame()
    traj = p.trajectory.reset_index() if p.trajectory is not None else pd.DataFrame()
    latest = {k: _jsonable(v) for k, v in p.latest.items()}
    body = {"uscc": p.uscc, "name": p.name, "sector": p.sector, "region": p.region, "size_class": p.size_class,
            "latest": latest, "next_level": p.next_level, "blocking": list(p.blocking),
            "sector_n": int(p.sector_n), "k": int(p.k),
            "sector_percentile": _jsonable(p.sector_percentile) if p.sector_n >= p.k else None,
            "dimensions": records(dims), "roadmap": records(roadmap), "trajectory": records(traj),
            "summary": p.summary(lang)}
    return send(request, render(body), private=True)
