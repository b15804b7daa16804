"""Supply-chain stress tests (ARIO recovery dynamics, Monte Carlo) as background jobs with progress.

The scenario runner is :func:`industrial_brain.services.stress.run_scenario` (shared with ``ibrain stress``). Results are stored as a run of
kind ``stress``; the job result carries the recovery curves for the dashboard.
"""

from __future__ import annotations

from typing import Annotated

import numpy as np
import yaml as _yaml
from fastapi import APIRouter, Depends, Request

from industrial_brain.api.deps import CurrentRole, StoreDep, cached, render, require_roles
from industrial_brain.api.routes.jobs import job
from industrial_brain.api.schemas import JobPublic, Message, StressJobIn
from industrial_brain.api.security import Principal
from industrial_brain.errors import InputError
from industrial_brain.meso.resilience import load_scenario, shipped_scenarios
from industrial_brain.meso.resilience.scenario import SCENARIO_DIR, parse_scenario

from industrial_brain.services.stress import run_scenario, save_scenario_run

router = APIRouter(prefix="/stress", tags=["stress"])
Runner = Annotated[Principal, Depends(require_roles("admin", "analyst"))]
TOP = 5


@router.get("/scenarios")
def scenarios(request: Request, who: CurrentRole):
    """The shipped scenarios with their description, table, horizon and YAML text (to edit and resubmit)."""

    def make():
        out = []
        for name in shipped_scenarios():
            path = SCENARIO_DIR / f"{name}.yaml"
            sc = load_scenario(path)
            out.append({"name": sc.name, "description": sc.description, "table": sc.table, "days": sc.days,
                        "events": len(sc.events), "yaml": path.read_text(encoding="utf-8")})
        return render({"data": out, "count": len(out)})

    return cached(request, who, make)


def _scenario(body: StressJobIn):
    if body.yaml:
        try:
            data = _yaml.safe_load(body.yaml)
        except _yaml.YAMLError as exc:
            raise InputError.at("not valid YAML", column="yaml", value=str(exc).splitlines()[0],
                                expected="a scenario in the format of GET /stress/scenarios") from None
        return parse_scenario(data, source="request")
    if not body.scenario:
        raise InputError.at("no scenario", column="scenario", expected=f"one of {shipped_scenarios()} or 'yaml'")
    if body.scenario not in shipped_scenarios():
        raise InputError.at("unknown scenario", column="scenario", value=body.scenario,
                            expected=" | ".join(shipped_scenarios()))
    return load_scenario(SCENARIO_DIR / f"{body.scenario}.yaml")


@router.post("/jobs", response_model=JobPublic, status_code=202,
             responses={400: {"model": Message}, 401: {"model": Message}, 403: {"model": Message}})
def submit(request: Request, store: StoreDep, who: Runner, body: StressJobIn):
    """Run a scenario in the background; poll ``/jobs/{job_id}`` for progress and the recovery curves."""
    sc = _scenario(body)  # validate before queueing: a bad scenario is a 400 now, not a failed job later
    runs = body.runs

    def work(s, progress):
        progress(0.02)
        res, mc, tm = run_scenario(s, sc, table=body.table, days=body.days, runs=runs, seed=body.seed,
                                   progress=(lambda i: progress(0.1 + 0.85 * (i + 1) / runs)) if runs > 1 else None)
        run_id = save_scenario_run(s, sc, res, mc, tm)
        P, x0 = np.asarray(res.production), np.asarray(res.x0)
        total = P.sum(axis=1) / x0.sum()
        f = res.to_frame().reset_index()
        worst = f.sort_values("min_production_ratio").head(TOP)
        curves = []
        for _, r in worst.iterrows():
            j = int(np.flatnonzero([(str(a), str(b)) == (str(r.iloc[0]), str(r.iloc[1])) for a, b in tm.model.index])[0])
            names = tm.sector_names.get(str(r.iloc[1]), ("", ""))
            curves.append({"region": str(r.iloc[0]), "sector": str(r.iloc[1]), "name_zh": names[0], "name_en": names[1],
                           "ratio": np.round(P[:, j] / x0[j], 6).tolist() if x0[j] > 0 else [],
                           "min_production_ratio": float(r["min_production_ratio"]),
                           "recovery_day": None if not np.isfinite(r["recovery_day"]) else float(r["recovery_day"])})
        out = {"run_id": run_id, "scenario": sc.name, "table": tm.table_id, "days": int(P.shape[0]),
               "total_ratio": np.round(total, 6).tolist(), "sectors": curves,
               "total_production_loss": float(res.total_production_loss)}
        if mc is not None:
            out["monte_carlo"] = {k: float(v) for k, v in mc.stats().items()}
        return out

    params = body.model_dump(exclude={"yaml"}) | {"scenario": sc.name, "edited": bool(body.yaml)}
    job_id = request.app.state.jobs.submit(store, who, "stress", params, work)
    return job(store, who, job_id)
