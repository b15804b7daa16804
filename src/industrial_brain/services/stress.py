"""Stress-test service: build an ARIO model from a stored table, run a scenario, store its results.

Shared by ``ibrain stress``, the demo report and the REST API; the engines stay pure
(:mod:`industrial_brain.meso.resilience`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pandas as pd

from industrial_brain.errors import InputError
from industrial_brain.meso.resilience import (
    ARIOModel,
    ARIOResult,
    MonteCarloResult,
    Scenario,
    monte_carlo,
    scenario_events,
    scenario_sampler,
)

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


def save_scenario_run(store: Any, sc: Scenario, res: ARIOResult, mc: MonteCarloResult | None, tm: TableModel) -> str:
    """Store a scenario run's losses (and Monte Carlo statistics) as an analysis run of kind ``stress``."""
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
