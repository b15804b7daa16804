"""Supply-chain stress tests (ARIO recovery dynamics, Monte Carlo) as background jobs with progress.

The scenarios and the runner are :mod:`industrial_brain.services.stress` (shared with ``ibrain stress``).
Results are stored as a run of kind ``stress``; the job result carries the recovery curves for the dashboard.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from industrial_brain.api.deps import CurrentRole, StoreDep, cached, render
from industrial_brain.api.params import Lang, Runner
from industrial_brain.api.routes.jobs import job
from industrial_brain.api.schemas import JobPublic, Message, StressJobIn
from industrial_brain.services.stress import (
    recovery_curves,
    run_scenario,
    save_scenario_run,
    scenario_from,
    scenario_list,
    stored_results,
)

router = APIRouter(prefix="/stress", tags=["stress"])
TOP = 5


@router.get("/scenarios")
def scenarios(request: Request, who: CurrentRole, lang: Lang = "en"):
    """The shipped scenarios with their title and description (in ``lang``), table, horizon and YAML
    text (to edit and resubmit)."""

    def make():
        out = scenario_list(lang=lang)
        return render({"data": out, "count": len(out)})

    return cached(request, who, make)


@router.get("/results", responses={400: {"model": Message}})
def results(
    request: Request,
    store: StoreDep,
    who: CurrentRole,
    scenario: Annotated[str | None, Query(max_length=80, description="one shipped scenario's name")] = None,
):
    """The stored results of the shipped scenarios (the newest public run of each, as ``ibrain demo``
    stores them): recovery curves, total loss, the worst-hit sectors and, for a multi-regional table,
    the losses by province (``regions``), all in the shape of a stress job's result."""

    def make():
        out = stored_results(store, scenario=scenario)
        return render({"data": out, "count": len(out)})

    return cached(request, who, make)


@router.post(
    "/jobs",
    response_model=JobPublic,
    status_code=202,
    responses={400: {"model": Message}, 401: {"model": Message}, 403: {"model": Message}},
)
def submit(request: Request, store: StoreDep, who: Runner, body: StressJobIn):
    """Run a scenario in the background; poll ``/jobs/{job_id}`` for progress and the recovery curves."""
    sc = scenario_from(body.scenario, body.yaml)  # validate before queueing: a bad scenario is a 400 now
    runs = body.runs

    def work(s, progress):
        progress(0.02)
        step = (lambda i: progress(0.1 + 0.85 * (i + 1) / runs)) if runs > 1 else None
        res, mc, tm = run_scenario(
            s, sc, table=body.table, days=body.days, runs=runs, seed=body.seed, progress=step
        )
        run_id = save_scenario_run(s, sc, res, mc, tm)
        return {
            "run_id": run_id,
            "scenario": sc.name,
            "table": tm.table_id,
            **recovery_curves(res, mc, tm, top=TOP),
        }

    params = body.model_dump(exclude={"yaml"}) | {"scenario": sc.name, "edited": bool(body.yaml)}
    job_id = request.app.state.jobs.submit(store, who, "stress", params, work)
    return job(store, who, job_id)
