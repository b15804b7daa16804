"""``ibrain stress``: supply-chain stress tests (ARIO recovery dynamics, Monte Carlo over events).

``ibrain stress run SCENARIO.yaml [--table ID] [--days 365] [--runs 1000] [--out DIR] [--db PATH]``

Writes to ``--out`` (default ``./stress-<scenario name>``): ``trajectories.parquet`` (day × region ×
sector: production, capacity, unmet final demand, inventories), ``summary.csv`` (per industry:
losses, lowest output ratio, recovery day), ``summary.txt``, ``recovery.png`` (recovery curves) and,
with Monte Carlo, ``montecarlo_runs.parquet`` (draws and losses of each run) and
``montecarlo_summary.csv``. The run's headline numbers are stored in the store as an analysis run
(kind ``stress``) with its lineage.

The helpers :func:`table_model` and :func:`run_scenario` read a table from the store and call the
pure engines; the demo report sections use them too.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Callable, Optional

import numpy as np
import pandas as pd
import typer

from industrial_brain.cli.common import DbOpt, LangOpt, store_for
from industrial_brain.errors import InputError
from industrial_brain.meso.resilience import (
    ARIOModel,
    ARIOResult,
    MonteCarloResult,
    Scenario,
    load_scenario,
    monte_carlo,
    scenario_events,
    scenario_sampler,
)

app = typer.Typer(help="Supply-chain stress tests: shocks, ARIO recovery dynamics, Monte Carlo.", no_args_is_help=True)

PYMRIO_TEST = "pymrio_test"


@dataclass
class TableModel:
    """An ARIO model built from a table, with the labels a scenario needs."""

    model: ARIOModel
    sector_names: dict[str, tuple[str, ...]]
    region_names: dict[str, tuple[str, ...]]
    table_id: str
    datasets: tuple[tuple[str, str], ...] = ()


def _region_names(store: Any) -> dict[str, tuple[str, ...]]:
    try:
        r = store.query("SELECT code, name_zh, name_en FROM region")
    except Exception:  # pragma: no cover - stores without a region table
        return {}
    return {str(c): (str(z), str(e)) for c, z, e in zip(r.code, r.name_zh, r.name_en)}


def table_model(store: Any, table_id: str, *, scenario: Scenario | None = None) -> TableModel:
    """Build an :class:`ARIOModel` from a stored table, the MRIO (``cn_mrio_2017``) or ``pymrio_test``.

    A single-region table gets one region ``CN``. Capital = 4 × value added (V) where the table has V.
    """
    params = scenario.model_params() if scenario else None
    compat = bool(scenario.boario_compat) if scenario else False
    if table_id == PYMRIO_TEST:
        try:
            import pymrio
        except ImportError as exc:  # pragma: no cover
            raise InputError("table 'pymrio_test' needs the pymrio package") from exc
        io = pymrio.load_test()
        io.calc_all()
        m = ARIOModel(io.Z, io.Y, io.x.iloc[:, 0], params=params, boario_compat=compat)
        return TableModel(m, {}, {}, table_id)
    from industrial_brain.services import io as sio
    from industrial_brain.services.results import dataset_lineage

    tab = sio.load_table(store, table_id)
    Z, Y, x = tab.Z, tab.Y, tab.x
    if isinstance(Z.index, pd.MultiIndex):
        idx = Z.index
        names_zh = sio.sector_names(store, table_id, "zh")
        names_en = sio.sector_names(store, table_id, "en")
    else:
        idx = pd.MultiIndex.from_arrays([["CN"] * len(Z), Z.index.astype(str)], names=["region", "sector"])
        sn = getattr(tab, "sector_names", None)
        if isinstance(sn, pd.DataFrame) and {"name_zh", "name_en"} <= set(sn.columns):
            names_zh, names_en = sn["name_zh"], sn["name_en"]
        else:
            names_zh = names_en = pd.Series(dtype=str)
    Zf = pd.DataFrame(Z.to_numpy(), idx, idx)
    Yv = Y.to_numpy().sum(axis=1)
    xv = np.asarray(x, dtype=np.float64).reshape(-1)
    capital = None
    V = getattr(tab, "V", None)
    if V is not None and len(V):
        va = np.maximum(V.to_numpy().sum(axis=0), 0.0)
        k = 4.0 if params is None else params.capital_to_va
        capital = va * (np.tile(k, len(idx) // len(np.atleast_1d(k))) if np.ndim(k) else k)
    m = ARIOModel(Zf, Yv, xv, params=params, capital=capital, boario_compat=compat)
    secs = {str(c): (str(names_zh.get(c, "")), str(names_en.get(c, ""))) for c in idx.get_level_values(1).unique()}
    try:
        if table_id == sio.MRIO_ID:
            ids = ["cn_prov_io_2017_42", "ref_provinces_gbt2260"]
        else:
            ids = [str(d) for d in store.query("SELECT DISTINCT dataset_id FROM io_table WHERE table_id = ?",
                                               [table_id]).dataset_id]
        ds = tuple(dataset_lineage(store, ids))
    except Exception:  # pragma: no cover - lineage is best effort
        ds = ()
    return TableModel(m, secs, _region_names(store), table_id, ds)


def run_scenario(store: Any, sc: Scenario, *, table: str | None = None, days: int | None = None,
                 runs: int | None = None, seed: int | None = None,
                 progress: Callable[[int], None] | None = None) -> tuple[ARIOResult, MonteCarloResult | None, TableModel]:
    """Run a scenario once as written and, if ``runs`` (or its ``monte_carlo.runs``) > 1, a Monte Carlo."""
    table_id = table or sc.table
    if not table_id:
        raise InputError.at("no table: give --table or 'table:' in the scenario", value=sc.name)
    days = int(days or sc.days)
    tm = table_model(store, table_id, scenario=sc)
    kw = dict(capital=tm.model.K, sector_names=tm.sector_names, region_names=tm.region_names)
    events = scenario_events(sc, tm.model.index, **kw)
    res = tm.model.run(events, days)
    n_runs = runs if runs is not None else (sc.monte_carlo.runs if sc.monte_carlo else 0)
    mc = None
    if n_runs and n_runs > 1:
        mcs = sc.monte_carlo
        mc = monte_carlo(tm.model, scenario_sampler(sc, tm.model.index, **kw), runs=n_runs, days=days,
                         seed=seed if seed is not None else (mcs.seed if mcs else 12345),
                         threshold=mcs.threshold if mcs else 0.9, progress=progress)
    return res, mc, tm


def _save(store: Any, sc: Scenario, res: ARIOResult, mc: MonteCarloResult | None, tm: TableModel) -> str:
    from industrial_brain.lineage import Lineage
    from industrial_brain.services.results import save_run

    f = res.to_frame()
    rows = []
    for (reg, sec), r in f.iterrows():
        for meas in ("loss", "gross_loss", "min_production_ratio", "recovery_day"):
            rows.append({"region_code": str(reg), "sector_code": str(sec), "measure": f"stress.{meas}", "value": r[meas]})
    rows.append({"measure": "stress.total_production_loss", "value": res.total_production_loss})
    if mc is not None:
        for k, v in mc.stats().items():
            rows.append({"measure": f"stress.mc_total_loss_{k}", "value": v})
    params = dict(res.lineage.params)
    params.update({"scenario": sc.name, "table": tm.table_id, "runs": mc.runs if mc else 1})
    lin = Lineage.make("meso.resilience.ario", params, datasets=tm.datasets, seed=mc.seed if mc else None)
    return save_run(store, "stress", lin, pd.DataFrame(rows), note=sc.description[:200])


@app.command("run")
def run_cmd(
    scenario: Annotated[str, typer.Argument(help="Scenario YAML file, or the name of a shipped scenario.")],
    table: Annotated[Optional[str], typer.Option("--table", help="Table id (overrides the scenario's), "
                                                 "e.g. cn_nbs_io_2020_153, cn_mrio_2017, pymrio_test.")] = None,
    days: Annotated[Optional[int], typer.Option("--days", help="Days to simulate (default: the scenario's, 365).")] = None,
    runs: Annotated[Optional[int], typer.Option("--runs", help="Monte Carlo runs (default: the scenario's; 0 = none).")] = None,
    seed: Annotated[Optional[int], typer.Option("--seed", help="Monte Carlo seed (default: the scenario's).")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="Output directory.")] = None,
    db: DbOpt = None,
    lang: LangOpt = "en",
) -> None:
    """Run a stress-test scenario: trajectories (Parquet), summary, recovery plot, optional Monte Carlo."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from industrial_brain.viz.stress import plot_recovery

    sc = load_scenario(scenario)
    if days is not None and days < 1:
        raise InputError.at("days must be ≥ 1", column="--days", value=days)
    if runs is not None and runs < 0:
        raise InputError.at("runs must be ≥ 0", column="--runs", value=runs)
    out = out or Path(f"stress-{sc.name}")
    out.mkdir(parents=True, exist_ok=True)
    err = Console(stderr=True)
    n_runs = runs if runs is not None else (sc.monte_carlo.runs if sc.monte_carlo else 0)
    with store_for(db) as store:
        with Progress(TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                      TimeElapsedColumn(), console=err,
                      disable=not err.is_terminal and os.environ.get("IBRAIN_PROGRESS") != "1") as prog:
            task = prog.add_task("Monte Carlo runs", total=max(n_runs, 1), visible=n_runs > 1)
            res, mc, tm = run_scenario(store, sc, table=table, days=days, runs=runs, seed=seed,
                                       progress=lambda k: prog.update(task, completed=k))
        run_id = _save(store, sc, res, mc, tm)
    res.to_parquet(out / "trajectories.parquet")
    frame = res.to_frame(lang)
    frame.to_csv(out / "summary.csv")
    text = res.summary(lang=lang)
    if mc is not None:
        mc.draws.assign(total_loss=mc.total_loss).to_parquet(out / "montecarlo_runs.parquet")
        mc.to_frame(lang).to_csv(out / "montecarlo_summary.csv")
        text += "\n\n" + mc.summary(lang=lang)
    fig = plot_recovery(res, names=tm.sector_names, region_names=tm.region_names, lang=lang, title=sc.name)
    fig.savefig(out / "recovery.png", dpi=120)
    (out / "summary.txt").write_text(text + "\n", encoding="utf-8")
    typer.echo(text)
    typer.echo(f"\nwritten: {out}/ (trajectories.parquet, summary.csv, summary.txt, recovery.png"
               + (", montecarlo_runs.parquet, montecarlo_summary.csv" if mc is not None else "") + f"); run {run_id}")


@app.command("list")
def list_cmd() -> None:
    """List the shipped scenarios."""
    from industrial_brain.meso.resilience import shipped_scenarios

    for name in shipped_scenarios():
        sc = load_scenario(name)
        typer.echo(f"{name}\t{sc.table}\t{sc.description}")
