"""Macro analyses (composite indices, coupling coordination, inequality, spatial): run the pipeline
as a background job; read the results through ``/runs`` (kind ``macro``) or ``/macro/map``. Structure
similarity, specialisation and digital intensity by industry are under ``/macro/structure``
(:mod:`industrial_brain.api.routes.structure`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from industrial_brain.api.deps import (
    CurrentRole,
    StoreDep,
    cached,
    records,
    render,
)
from industrial_brain.api.params import Runner
from industrial_brain.api.routes.jobs import job
from industrial_brain.api.routes.structure import router as structure_router
from industrial_brain.api.schemas import JobPublic, MacroJobIn, MapPage, Message, Page
from industrial_brain.errors import InputError
from industrial_brain.services import access
from industrial_brain.services import macro as macro_service
from industrial_brain.services import quality
from industrial_brain.services.index_audit import audit_tables, run_audit
from industrial_brain.services.index_checks import published_rank_checks
from industrial_brain.services.runs import readable_runs

router = APIRouter(prefix="/macro", tags=["macro"])

#: Region-level measures a map can show: the three indices, coupling C/T/D and its ten-level class,
#: and the local Moran (LISA) quadrant of D.
MAP_MEASURES = {
    "index.digital": ("Digital economy index", "数字经济指数"),
    "index.real": ("Real economy index", "实体经济指数"),
    "index.nqpf": ("New quality productive forces index", "新质生产力指数"),
    "D": ("Coupling coordination degree D", "耦合协调度 D"),
    "C": ("Coupling degree C", "耦合度 C"),
    "T": ("Comprehensive development index T", "综合发展指数 T"),
    "level": ("Coupling coordination level (1–10)", "耦合协调等级（1–10）"),
    "lisa.cluster": ("Local Moran quadrant of D", "D 的局部莫兰象限"),
}


@router.post(
    "/jobs",
    response_model=JobPublic,
    status_code=202,
    responses={401: {"model": Message}, 403: {"model": Message}},
)
def submit(request: Request, store: StoreDep, who: Runner, params: MacroJobIn):
    """Run the macro pipeline on the store's panel in the background; the result is a new run."""

    def work(s, progress):
        progress(0.05)
        run = macro_service.run_macro(
            s,
            years=params.years,
            model=params.model,
            weights=params.weights,
            k=params.k,
            permutations=params.permutations,
            seed=params.seed,
            missing=params.missing,
        )
        return {"run_id": run.run_id}

    job_id = request.app.state.jobs.submit(store, who, "macro", params.model_dump(), work)
    return job(store, who, job_id)


@router.get("/map", response_model=MapPage, responses={400: {"model": Message}})
def map_values(
    request: Request,
    store: StoreDep,
    who: CurrentRole,
    measure: Annotated[str, Query(max_length=40, description=", ".join(MAP_MEASURES))] = "D",
    run_id: Annotated[str | None, Query(max_length=120)] = None,
    year: Annotated[int | None, Query(ge=1949, le=2100, description="only this year")] = None,
    lang: Annotated[str, Query(pattern="^(en|zh)$")] = "en",
):
    """Province × year values of one map measure from a macro run (default: the newest).

    ``default_year`` is the year the map should open on (the latest without an error or partial-year
    note on the run's inputs behind the measure; later years in ``skipped_years``); each row carries
    ``quality_note`` and ``year_flags`` (a view marks such values with †)."""
    if measure not in MAP_MEASURES:
        raise InputError.at(
            "not a map measure", column="measure", value=measure, expected=", ".join(MAP_MEASURES)
        )

    # (when the caller may read none of the stored macro runs, the newest one is refused: 401/403)
    rid, ran = readable_macro_run(store, who, run_id)

    def make():
        f = macro_service.map_values(store, rid, measure)
        if year is not None:
            f = f[f["year"] == year]
        yq = quality.macro_quality(store, rid, measure)
        name = MAP_MEASURES[measure][1 if lang == "zh" else 0]
        data = records(yq.annotate(f))
        return render(
            {"run_id": rid, "measure": measure, "name": name, "data": data, "count": len(f), **yq.fields()}
        )

    return cached(request, who, make, grade=ran.grade, owner=ran.owner, store=store, what=f"run:{rid}")


def readable_macro_run(store, who, run_id: str | None):  # also /default-year's
    """The run id to read (default: the newest macro run the caller may read) and its access record."""
    if run_id is None:  # the newest macro run the caller may read (a job's run: its owner's)
        mine = readable_runs(store, who, macro_service.KIND)
        run_id = mine["run_id"].iloc[0] if len(mine) else None
    rid, _ = macro_service.macro_run_id(store, run_id)  # 400: none stored, or not a macro run
    return rid, access.check_run(store, who, rid, kind=macro_service.KIND)


@router.get("/rank-checks", response_model=Page, responses={400: {"model": Message}})
def rank_checks(
    request: Request,
    store: StoreDep,
    who: CurrentRole,
    role: Annotated[str, Query(pattern="^(digital|real|nqpf)$")] = "digital",
    run_id: Annotated[str | None, Query(max_length=120)] = None,
    lang: Annotated[str, Query(pattern="^(en|zh)$")] = "en",
):
    """Rank agreement of an index of a macro run (default: the newest) with the published provincial
    rankings of the years it covers (Spearman ρ, Kendall τ over the listed provinces; top-k overlap)."""
    rid, ran = readable_macro_run(store, who, run_id)

    def make():
        run = macro_service.load_macro_run(store, rid)
        f = published_rank_checks(run, role, lang)
        return render({"run_id": rid, "role": role, "data": records(f), "count": len(f)})

    return cached(request, who, make, grade=ran.grade, owner=ran.owner, store=store, what=f"run:{rid}")


@router.get("/index/{system}/audit", response_model=Page, responses={400: {"model": Message}})
def index_audit(
    request: Request,
    store: StoreDep,
    who: CurrentRole,
    system: Annotated[str, Path(max_length=80, description="role (digital, real, nqpf) or system code")],
    run_id: Annotated[str | None, Query(max_length=120)] = None,
    year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    lang: Annotated[str, Query(pattern="^(en|zh)$")] = "en",
):
    """The stored audit of one index of a macro run (default: the newest): per indicator the framework,
    weights by method and correlations (``data``); dimension weights; each indicator's contribution to
    each province's score, Monte Carlo rank intervals, correlations, flags, Cronbach's alpha and the PCA
    check of ``year`` (default: the run's last year)."""
    rid, ran = readable_macro_run(store, who, run_id)

    def make():
        run = macro_service.load_macro_run(store, rid)
        role, audit = run_audit(run.audits, system)
        names = run.regions["name_zh" if lang == "zh" else "name_en"].to_dict()
        t = audit_tables(audit, year, lang, names)
        body = {k: records(v) for k, v in t.items() if k != "indicators"}
        return render(
            {
                "run_id": rid,
                "role": role,
                "system": audit.system.code,
                "year": int(t["contributions"]["year"].iloc[0]),
                "years": sorted({int(y) for y in audit.contributions.index.get_level_values(1)}),
                "name": audit.system.name_zh if lang == "zh" else audit.system.name_en,
                "dimension_names": {
                    d.code: (d.name_zh if lang == "zh" else d.name_en) or d.code
                    for d in audit.system.dimensions
                },
                "normalization": audit.normalization,
                "weighting": audit.weighting,
                "aggregation": audit.aggregation,
                "contribution": audit.contribution_kind,
                "draws": audit.draws,
                "seed": audit.seed,
                "data": records(t["indicators"]),
                "count": len(t["indicators"]),
                **body,
                "notes": list(audit.notes),
            }
        )

    return cached(request, who, make, grade=ran.grade, owner=ran.owner, store=store, what=f"run:{rid}")


@router.get("/measures", response_model=Page)
def measures(request: Request, who: CurrentRole):
    """The measures ``/macro/map`` can show, with English and Chinese names."""
    data = [{"measure": k, "name_en": v[0], "name_zh": v[1]} for k, v in MAP_MEASURES.items()]
    return cached(request, who, lambda: render({"data": data, "count": len(data)}))


router.include_router(structure_router)  # /macro/structure/...
