"""Stress-test service: shipped and submitted scenarios, an ARIO model built from a stored table, a
scenario run (once as written, then a Monte Carlo), and its results stored with lineage.

Shared by ``ibrain stress``, the demo report and the REST API; the engines stay pure
(:mod:`industrial_brain.meso.resilience`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd
import yaml

from industrial_brain._shared.i18n import check_lang, in_100m_cny
from industrial_brain.errors import InputError
from industrial_brain.lineage import Lineage
from industrial_brain.meso.resilience import (
    ARIOModel,
    ARIOResult,
    MonteCarloResult,
    Scenario,
    load_scenario,
    monte_carlo,
    parse_scenario,
    scenario_events,
    scenario_sampler,
    shipped_scenarios,
)
from industrial_brain.meso.resilience.scenario import SCENARIO_DIR
from industrial_brain.services import access
from industrial_brain.services import io as sio
from industrial_brain.services.access import Principal
from industrial_brain.services.results import dataset_lineage, save_run
from industrial_brain.store.connection import Store
from industrial_brain.store import runs as store_runs
from industrial_brain.store.regions import regions

__all__ = [
    "PYMRIO_TEST",
    "TableModel",
    "read_scenario",
    "scenario_from",
    "scenario_list",
    "table_problem",
    "table_model",
    "planned_runs",
    "run_scenario",
    "save_scenario_run",
    "recovery_curves",
    "region_losses",
    "stored_results",
]

PYMRIO_TEST = "pymrio_test"


@dataclass
class TableModel:
    """An ARIO model built from a table, with the labels a scenario needs."""

    model: ARIOModel
    sector_names: dict[str, tuple[str, ...]]
    region_names: dict[str, tuple[str, ...]]
    table_id: str
    datasets: tuple[tuple[str, str], ...] = ()
    #: The table's money unit (``10^4 CNY`` for the NBS tables and the MRIO; ``""`` if unknown).
    unit: str = ""


# ---------------------------------------------------------------- scenarios
def read_scenario(source: str | Path) -> Scenario:
    """A scenario from a YAML file, or a shipped scenario by its name (``chips_capacity_2020`` …)."""
    return load_scenario(source)


#: Longest scenario YAML accepted (the shipped scenarios are under 3,000 characters).
SCENARIO_MAX_CHARS = 100_000
#: Deepest nesting of lists and mappings accepted in scenario YAML (the shipped ones use up to 5).
SCENARIO_MAX_DEPTH = 20


def yaml_depth(text: str, stop: int = SCENARIO_MAX_DEPTH) -> int:
    """Deepest nesting of lists and mappings in YAML ``text``, read as a stream of parser events
    (no recursion, no objects built); counting stops just past ``stop``.

    >>> yaml_depth("a: [1, {b: 2}]")
    3
    >>> yaml_depth("[" * 9000) == SCENARIO_MAX_DEPTH + 1
    True
    """
    depth = deepest = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            deepest = max(deepest, depth)
            if deepest > stop:
                break
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
    return deepest


def scenario_from(name: str | None = None, text: str | None = None) -> Scenario:
    """A shipped scenario by ``name``, or one written as YAML ``text`` (which wins when both are given).

    Errors name the field: ``text`` that is not YAML or not a scenario (``column 'yaml'``), a ``name``
    that is missing or not shipped (``column 'scenario'``).
    """
    if text:
        if len(text) > SCENARIO_MAX_CHARS:
            raise InputError.at(
                "scenario YAML too long",
                column="yaml",
                value=f"{len(text):,} characters",
                expected=f"at most {SCENARIO_MAX_CHARS:,} characters",
            )
        try:
            depth = yaml_depth(text)
            if depth > SCENARIO_MAX_DEPTH:
                raise InputError.at(
                    "scenario YAML nested too deeply",
                    column="yaml",
                    value=f"more than {SCENARIO_MAX_DEPTH} levels",
                    expected=f"at most {SCENARIO_MAX_DEPTH} levels of lists and mappings",
                )
            data = yaml.safe_load(text)
        except RecursionError:  # a safety net: the depth check above should have caught it
            raise InputError.at(
                "scenario YAML nested too deeply",
                column="yaml",
                expected=f"at most {SCENARIO_MAX_DEPTH} levels of lists and mappings",
            ) from None
        except yaml.YAMLError as exc:
            raise InputError.at(
                "not valid YAML",
                column="yaml",
                value=str(exc).splitlines()[0],
                expected="a scenario in the format of the shipped scenarios",
            ) from None
        return parse_scenario(data, source="request")
    shipped = shipped_scenarios()
    if not name:
        raise InputError.at("no scenario", column="scenario", expected=f"one of {shipped} or 'yaml'")
    if name not in shipped:
        raise InputError.at("unknown scenario", column="scenario", value=name, expected=" | ".join(shipped))
    return load_scenario(SCENARIO_DIR / f"{name}.yaml")


def table_problem(store: Store, table_id: str | None) -> str | None:
    """Why a scenario could not run on ``table_id`` in this store, or None when it can.

    ``pymrio_test`` needs the pymrio package; the MRIO (``cn_mrio_2017``) the 31 provincial tables;
    any other id a stored table.
    """
    if not table_id:
        return "no table in the scenario (give one with the run)"
    if table_id == PYMRIO_TEST:
        try:
            import pymrio  # noqa: F401  (optional third-party package)
        except ImportError:
            return "needs the pymrio package"
        return None
    if not sio.has_table(store, table_id):
        return (
            "the provincial IO tables are not in the store"
            if table_id == sio.MRIO_ID
            else f"table '{table_id}' is not in the store"
        )
    return None


def scenario_list(store: Store | None = None, lang: str = "en") -> list[dict[str, Any]]:
    """The shipped scenarios: ``name``, ``title`` and ``description`` (in ``lang``), ``table``,
    ``days``, ``events`` (count) and ``yaml`` (the file's text, to edit and resubmit). With a
    ``store``, also ``problem``: why the scenario cannot run on that store's tables (see
    :func:`table_problem`), or None."""
    zh = check_lang(lang) == "zh"
    out = []
    for name in shipped_scenarios():
        path = SCENARIO_DIR / f"{name}.yaml"
        sc = load_scenario(path)
        row: dict[str, Any] = {
            "name": sc.name,
            "title": (sc.title_zh if zh else sc.title_en) or sc.name,
            "description": (sc.description_zh if zh and sc.description_zh else sc.description),
            "table": sc.table,
            "days": sc.days,
            "events": len(sc.events),
            "yaml": path.read_text(encoding="utf-8"),
        }
        if store is not None:
            row["problem"] = table_problem(store, sc.table)
        out.append(row)
    return out


# ---------------------------------------------------------------- model and run
def _region_names(store: Store) -> dict[str, tuple[str, ...]]:
    r = regions(store)
    return {str(c): (str(z), str(e)) for c, z, e in zip(r.code, r.name_zh, r.name_en)}


def table_model(store: Store, table_id: str, *, scenario: Scenario | None = None) -> TableModel:
    """Build an :class:`ARIOModel` from a stored table, the MRIO (``cn_mrio_2017``) or ``pymrio_test``.

    A single-region table gets one region ``CN``. Capital = 4 × value added (V) where the table has V
    (``capital_to_va`` of the scenario's model parameters).
    """
    params = scenario.model_params() if scenario else None
    compat = bool(scenario.boario_compat) if scenario else False
    if table_id == PYMRIO_TEST:
        try:
            import pymrio  # optional third-party package, only for this test table
        except ImportError as exc:  # pragma: no cover
            raise InputError("table 'pymrio_test' needs the pymrio package") from exc
        io = pymrio.load_test()
        io.calc_all()
        m = ARIOModel(io.Z, io.Y, io.x.iloc[:, 0], params=params, boario_compat=compat)
        return TableModel(m, {}, {}, table_id)
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
    secs = {
        str(c): (str(names_zh.get(c, "")), str(names_en.get(c, ""))) for c in idx.get_level_values(1).unique()
    }
    ids = sio.MRIO_DATASETS if table_id == sio.MRIO_ID else [sio.table_dataset(store, table_id)]
    return TableModel(
        m, secs, _region_names(store), table_id, tuple(dataset_lineage(store, ids)), unit=tab.unit or ""
    )


def planned_runs(sc: Scenario, runs: int | None = None) -> int:
    """Monte Carlo runs of a scenario run: ``runs`` if given, else the scenario's ``monte_carlo.runs``
    (0: none)."""
    return runs if runs is not None else (sc.monte_carlo.runs if sc.monte_carlo else 0)


def run_scenario(
    store: Store,
    sc: Scenario,
    *,
    table: str | None = None,
    days: int | None = None,
    runs: int | None = None,
    seed: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[ARIOResult, MonteCarloResult | None, TableModel]:
    """Run a scenario once as written and, if ``runs`` (or its ``monte_carlo.runs``) > 1, a Monte Carlo.

    ``table``, ``days``, ``runs`` and ``seed`` override the scenario's own (``table:``, ``days:``,
    ``monte_carlo.runs``, ``monte_carlo.seed``).
    """
    if days is not None and days < 1:
        raise InputError.at("days must be ≥ 1", column="days", value=days)
    if runs is not None and runs < 0:
        raise InputError.at("runs must be ≥ 0", column="runs", value=runs)
    table_id = table or sc.table
    if not table_id:
        raise InputError.at(
            "no table to run on",
            column="table",
            expected=f"a table id, given with the run or as 'table:' in scenario '{sc.name}'",
        )
    days = int(days or sc.days)
    tm = table_model(store, table_id, scenario=sc)
    kw = dict(capital=tm.model.K, sector_names=tm.sector_names, region_names=tm.region_names)
    events = scenario_events(sc, tm.model.index, **kw)
    res = tm.model.run(events, days)
    n_runs = planned_runs(sc, runs)
    mc = None
    if n_runs and n_runs > 1:
        mcs = sc.monte_carlo
        mc = monte_carlo(
            tm.model,
            scenario_sampler(sc, tm.model.index, **kw),
            runs=n_runs,
            days=days,
            seed=seed if seed is not None else (mcs.seed if mcs else 12345),
            threshold=mcs.threshold if mcs else 0.9,
            progress=progress,
        )
    return res, mc, tm


def save_scenario_run(
    store: Store, sc: Scenario, res: ARIOResult, mc: MonteCarloResult | None, tm: TableModel
) -> str:
    """Store a scenario run's losses (and Monte Carlo statistics) as an analysis run of kind ``stress``."""
    f = res.to_frame()
    rows = []
    for (reg, sec), r in f.iterrows():
        for meas in ("loss", "gross_loss", "min_production_ratio", "recovery_day"):
            rows.append(
                {
                    "region_code": str(reg),
                    "sector_code": str(sec),
                    "measure": f"stress.{meas}",
                    "value": r[meas],
                }
            )
    rows.append({"measure": "stress.total_production_loss", "value": res.total_production_loss})
    if mc is not None:
        for k, v in mc.stats().items():
            rows.append({"measure": f"stress.mc_total_loss_{k}", "value": v})
    # the recovery curves a dashboard draws (day in ``year``): the whole economy's, then the worst hit
    curves = recovery_curves(res, mc, tm, top=CURVES_TOP)
    rows += [
        {"year": d + 1, "measure": "stress.total_ratio", "value": v}
        for d, v in enumerate(curves["total_ratio"])
    ]
    for c in curves["sectors"]:
        rows += [
            {
                "region_code": c["region"],
                "sector_code": c["sector"],
                "year": d + 1,
                "measure": "stress.ratio",
                "value": v,
            }
            for d, v in enumerate(c["ratio"])
        ]
    params = dict(res.lineage.params)
    params.update(
        {
            "scenario": sc.name,
            "table": tm.table_id,
            "runs": mc.runs if mc else 1,
            "unit": tm.unit,
            "days": curves["days"],
        }
    )
    lin = Lineage.make("meso.resilience.ario", params, datasets=tm.datasets, seed=mc.seed if mc else None)
    return save_run(store, "stress", lin, pd.DataFrame(rows), note=sc.description[:200])


def recovery_curves(
    res: ARIOResult, mc: MonteCarloResult | None, tm: TableModel, *, top: int = 5
) -> dict[str, Any]:
    """A run's recovery curves for a dashboard: ``days``, the whole economy's output ratio
    ``total_ratio`` (Σ_j P_tj / Σ_j x0_j by day), the ``top`` industries with the lowest output ratio
    (``sectors``: region, sector, names, daily ratio P_tj / x0_j, lowest ratio, recovery day), the total
    production loss and, with a Monte Carlo, its loss statistics (``monte_carlo``)."""
    P, x0 = np.asarray(res.production), np.asarray(res.x0)
    total = P.sum(axis=1) / x0.sum()
    f = res.to_frame().reset_index()
    worst = f.sort_values("min_production_ratio").head(top)
    keys = [(str(a), str(b)) for a, b in tm.model.index]
    curves = []
    for _, r in worst.iterrows():
        reg, sec = str(r.iloc[0]), str(r.iloc[1])
        j = keys.index((reg, sec))
        names = tm.sector_names.get(sec, ("", ""))
        day = r["recovery_day"]
        curves.append(
            {
                "region": reg,
                "sector": sec,
                "name_zh": names[0],
                "name_en": names[1],
                "ratio": np.round(P[:, j] / x0[j], 6).tolist() if x0[j] > 0 else [],
                "min_production_ratio": float(r["min_production_ratio"]),
                "recovery_day": None if not np.isfinite(day) else float(day),
            }
        )
    out: dict[str, Any] = {
        "days": int(P.shape[0]),
        "total_ratio": np.round(total, 6).tolist(),
        "sectors": curves,
        "total_production_loss": float(res.total_production_loss),
        "unit": tm.unit,
        "total_production_loss_100m_cny": in_100m_cny(res.total_production_loss, tm.unit),
    }
    if mc is not None:
        out["monte_carlo"] = {k: float(v) for k, v in mc.stats().items()}
        out["monte_carlo_100m_cny"] = {k: in_100m_cny(v, tm.unit) for k, v in out["monte_carlo"].items()}
    out["regions"] = region_losses(f.set_index(list(f.columns[:2])), tm.region_names, tm.unit)
    return out


#: Sectors whose recovery curve a stored stress run keeps (:func:`save_scenario_run`).
CURVES_TOP = 5


def region_losses(
    frame: pd.DataFrame, region_names: dict[str, tuple[str, ...]], unit: str
) -> list[dict[str, Any]]:
    """Losses by region of a multi-regional run, largest production loss first: ``region``, ``name_zh``,
    ``name_en``, ``loss`` (net: Σ over the region's sectors of x0·T − ΣP), ``gross_loss`` (output
    below x0 only) in the table's unit and both in 亿元 (``*_100m_cny``, None when the unit is
    unknown). ``frame``: :meth:`ARIOResult.to_frame` indexed by (region, sector). A single-region
    table (region ``CN``) gives an empty list: the sectors say it all."""
    by = frame.groupby(level=0)[["loss", "gross_loss"]].sum().sort_values("gross_loss", ascending=False)
    if len(by) < 2:
        return []
    out = []
    for reg, r in by.iterrows():
        nm = region_names.get(str(reg), (str(reg), str(reg)))
        out.append(
            {
                "region": str(reg),
                "name_zh": nm[0],
                "name_en": nm[1],
                "loss": float(r["loss"]),
                "gross_loss": float(r["gross_loss"]),
                "loss_100m_cny": in_100m_cny(float(r["loss"]), unit),
                "gross_loss_100m_cny": in_100m_cny(float(r["gross_loss"]), unit),
            }
        )
    return out


def stored_results(store: Store, *, scenario: str | None = None) -> list[dict[str, Any]]:
    """The newest stored run of each shipped scenario (or of ``scenario``) that the public may read
    (general data, made by no job's account: what ``ibrain demo`` stores), in the shape of a job's
    result (:func:`recovery_curves`, plus ``run_id``, ``scenario``, ``table``, ``created_at``),
    rebuilt from the stored values (nothing is recomputed). A run stored before its curves were kept
    has ``total_ratio`` and ``sectors`` empty."""
    f = access.readable_runs(store, Principal(None, "public"), "stress")
    out, seen = [], set()
    names = set(shipped_scenarios()) if scenario is None else {scenario}
    for r in f.to_dict("records"):
        try:
            p = json.loads(r["params"] or "{}")
        except (TypeError, ValueError):
            continue
        name = p.get("scenario")
        if name not in names or name in seen or pd.notna(r.get("owner")):
            continue
        seen.add(name)
        out.append(_stored_result(store, r, p))
    return out


def _stored_result(store: Store, run: dict[str, Any], p: dict[str, Any]) -> dict[str, Any]:
    v = store_runs.run_values(store, run["run_id"])
    unit = p.get("unit") or ""
    one = lambda m: (lambda x: float(x.iloc[0]) if len(x) else None)(v.loc[v["measure"] == m, "value"])  # noqa: E731
    tot = v[v["measure"] == "stress.total_ratio"].sort_values("year")
    curves = v[v["measure"] == "stress.ratio"]
    per = v[
        v["measure"].isin(
            ["stress.loss", "stress.gross_loss", "stress.min_production_ratio", "stress.recovery_day"]
        )
    ]
    wide = per.pivot_table(index=["region_code", "sector_code"], columns="measure", values="value")
    wide.columns = [c.removeprefix("stress.") for c in wide.columns]
    table = p.get("table") or ""
    names = _sector_labels(store, table)
    sectors = []
    for (reg, sec), g in curves.groupby(["region_code", "sector_code"], sort=False):
        w = wide.loc[(reg, sec)] if (reg, sec) in wide.index else None
        day = None if w is None or not np.isfinite(w["recovery_day"]) else float(w["recovery_day"])
        nm = names.get(str(sec), ("", ""))
        sectors.append(
            {
                "region": str(reg),
                "sector": str(sec),
                "name_zh": nm[0],
                "name_en": nm[1],
                "ratio": g.sort_values("year")["value"].round(6).tolist(),
                "min_production_ratio": None if w is None else float(w["min_production_ratio"]),
                "recovery_day": day,
            }
        )
    sectors.sort(key=lambda c: c["min_production_ratio"] if c["min_production_ratio"] is not None else 1.0)
    loss = one("stress.total_production_loss")
    mc = {k: one(f"stress.mc_total_loss_{k}") for k in ("mean", "p05", "p50", "p95")}
    mc = {k: x for k, x in mc.items() if x is not None}
    out: dict[str, Any] = {
        "run_id": run["run_id"],
        "scenario": p.get("scenario"),
        "table": table,
        "created_at": str(run["created_at"])[:19],
        "days": int(p.get("days") or len(tot)),
        "total_ratio": tot["value"].round(6).tolist(),
        "sectors": sectors,
        "total_production_loss": loss,
        "unit": unit,
        "total_production_loss_100m_cny": in_100m_cny(loss, unit) if loss is not None else None,
        "regions": region_losses(wide, _region_names(store), unit) if len(wide) else [],
    }
    if mc:
        out["monte_carlo"] = mc
        out["monte_carlo_100m_cny"] = {k: in_100m_cny(x, unit) for k, x in mc.items()}
    return out


def _sector_labels(store: Store, table_id: str) -> dict[str, tuple[str, str]]:
    """Sector code → (name_zh, name_en) of a stored table (empty when it has none)."""
    try:
        zh, en = sio.sector_names(store, table_id, "zh"), sio.sector_names(store, table_id, "en")
    except Exception:  # noqa: BLE001 — a table without names (or gone): codes alone
        return {}
    return {str(c): (str(zh.get(c, "")), str(en.get(c, ""))) for c in zh.index}
