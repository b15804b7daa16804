"""``ibrain stress``: supply-chain stress tests (ARIO recovery dynamics, Monte Carlo over events).

``ibrain stress run SCENARIO.yaml [--table ID] [--days 365] [--runs 1000] [--out DIR] [--db PATH]``

Writes to ``--out`` (default ``./stress-<scenario name>``): ``trajectories.parquet`` (day × region ×
sector: production, capacity, unmet final demand, inventories), ``summary.csv`` (per industry:
losses, lowest output ratio, recovery day), ``summary.txt``, ``recovery.png`` (recovery curves) and,
with Monte Carlo, ``montecarlo_runs.parquet`` (draws and losses of each run) and
``montecarlo_summary.csv``. The run's headline numbers are stored in the store as an analysis run
(kind ``stress``) with its lineage.

``ibrain stress list [--db PATH]`` lists the shipped scenarios and, with a store (``--db``, or the default
store when it exists), whether that store's tables can run each of them.

The store-reading part lives in :mod:`industrial_brain.services.stress` (shared with the report and the API).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from industrial_brain._shared.export import write_csv
from industrial_brain.cli.common import DbOpt, LangOpt, progress_bar, store_for
from industrial_brain.services.stress import (
    planned_runs,
    read_scenario,
    run_scenario,
    save_scenario_run,
    scenario_list,
)
from industrial_brain.store.connection import default_db_path
from industrial_brain.viz.stress import plot_recovery

app = typer.Typer(
    help="Supply-chain stress tests: shocks, ARIO recovery dynamics, Monte Carlo.", no_args_is_help=True
)


@app.command("run")
def run_cmd(
    scenario: Annotated[str, typer.Argument(help="Scenario YAML file, or the name of a shipped scenario.")],
    table: Annotated[
        Optional[str],
        typer.Option(
            "--table",
            help="Table id (overrides the scenario's), e.g. cn_nbs_io_2020_153, cn_mrio_2017, pymrio_test.",
        ),
    ] = None,
    days: Annotated[
        Optional[int], typer.Option("--days", help="Days to simulate (default: the scenario's, 365).")
    ] = None,
    runs: Annotated[
        Optional[int], typer.Option("--runs", help="Monte Carlo runs (default: the scenario's; 0 = none).")
    ] = None,
    seed: Annotated[
        Optional[int], typer.Option("--seed", help="Monte Carlo seed (default: the scenario's).")
    ] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="Output directory.")] = None,
    db: DbOpt = None,
    lang: LangOpt = "en",
) -> None:
    """Run a stress-test scenario: trajectories (Parquet), summary, recovery plot, optional Monte Carlo."""
    sc = read_scenario(scenario)
    out = out or Path(f"stress-{sc.name}")
    n_runs = planned_runs(sc, runs)
    with store_for(db) as store:
        with progress_bar() as prog:
            task = prog.add_task("Monte Carlo runs", total=max(n_runs, 1), visible=n_runs > 1)
            res, mc, tm = run_scenario(
                store,
                sc,
                table=table,
                days=days,
                runs=runs,
                seed=seed,
                progress=lambda k: prog.update(task, completed=k),
            )
        run_id = save_scenario_run(store, sc, res, mc, tm)
    out.mkdir(parents=True, exist_ok=True)
    res.to_parquet(out / "trajectories.parquet")
    frame = res.to_frame(lang)
    write_csv(frame, out / "summary.csv")
    text = res.summary(lang=lang)
    if mc is not None:
        mc.draws.assign(total_loss=mc.total_loss).to_parquet(out / "montecarlo_runs.parquet")
        write_csv(mc.to_frame(lang), out / "montecarlo_summary.csv")
        text += "\n\n" + mc.summary(lang=lang)
    fig = plot_recovery(res, names=tm.sector_names, region_names=tm.region_names, lang=lang, title=sc.name)
    fig.savefig(out / "recovery.png", dpi=120)
    (out / "summary.txt").write_text(text + "\n", encoding="utf-8")
    typer.echo(text)
    extra = ", montecarlo_runs.parquet, montecarlo_summary.csv" if mc is not None else ""
    typer.echo(
        f"\nwritten: {out}/ (trajectories.parquet, summary.csv, summary.txt, recovery.png{extra}); "
        f"run {run_id}"
    )


@app.command("list")
def list_cmd(db: DbOpt = None) -> None:
    """List the shipped scenarios (name, table, description) and whether a store can run them.

    With a store (--db, or the default one if it exists), a 4th column: 'ok' or why its tables can't.
    """
    if db is None and not default_db_path().exists():
        rows = scenario_list()
    else:
        with store_for(db, read_only=True) as store:
            rows = scenario_list(store)
    for r in rows:
        line = f"{r['name']}\t{r['table']}\t{r['description']}"
        if "problem" in r:
            line += "\t" + (r["problem"] or "ok")
        typer.echo(line)
