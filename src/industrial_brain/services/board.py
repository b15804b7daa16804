"""Region boards (研判看板): everything the dashboard shows when a province is chosen, and side-by-side
comparison of provinces on one indicator.

Built on the other services, nothing recomputed that a stored result holds:

* **headline KPIs**: the library's ``kpis`` (:func:`industrial_brain.services.indicators.kpi_codes`),
  each from :func:`~industrial_brain.services.indicators.series` — value in the year asked (or the
  latest year the region has one), its change on the year before (relative, and absolute), its rank
  among the provinces (1 = the largest) and the rank the year before, and the peer comparison: the
  mean of the region's NBS macro-region and of the nation over the provinces reporting;
* **coordination**: the coupling coordination degree D of the newest stored macro run the caller may
  read, by year, with its class (Liao 1999) and rank, and the largest obstacle factors of the lagging
  subsystem in the year (the obstacle degree model);
* **sectors**: from the region's 2017 provincial input–output table — location quotients of gross
  output against the 31 provinces (:func:`industrial_brain.macro.location_quotient`), the
  Rasmussen–Hirschman key sectors and the import-dependence chokepoints
  (:mod:`industrial_brain.services.io`);
* **enterprises**: the level distribution of the region's assessed enterprises from the latest
  release (aggregated; a suppressed cell stays suppressed: :mod:`industrial_brain.services.releases`);
* **alerts**: the region's stored alerts the caller may read
  (:func:`industrial_brain.services.monitor.alerts`).

A part without data (no macro run, no provincial table, no release) is ``null`` with a line in
``notes`` saying why.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import numpy as np
import pandas as pd

from industrial_brain._shared.i18n import check_lang
from industrial_brain.errors import InputError
from industrial_brain.macro import COORDINATION_LEVELS, coordination_level, location_quotient
from industrial_brain.services import catalog, indicators, monitor, releases, structure
from industrial_brain.services import io as io_service
from industrial_brain.services import macro as macro_service
from industrial_brain.services.access import Principal
from industrial_brain.store import runs as store_runs
from industrial_brain.store.connection import Store

__all__ = ["KPI_FIELDS", "region_board", "compare"]

#: Fields of one headline KPI.
KPI_FIELDS = (
    "code",
    "name",
    "unit",
    "unit_label",
    "dataset_id",
    "year",
    "value",
    "previous",
    "change",
    "change_abs",
    "rank",
    "rank_previous",
    "rank_change",
    "n",
    "group_mean",
    "national_mean",
    "vs_group",
)
_TOP = 5


def _t(lang: str, en: str, zh: str) -> str:
    return zh if lang == "zh" else en


def _py(v: Any) -> Any:
    if v is None or v is pd.NA or (isinstance(v, float) and not np.isfinite(v)):
        return None
    return v.item() if hasattr(v, "item") else v


def _province(store: Store, code: str) -> pd.Series:
    reg = catalog.regions(store)
    row = reg[(reg["code"] == code) & (reg["level"] == "province")]
    if row.empty:
        raise InputError.at(
            "unknown province", column="code", value=code, expected="a GB/T 2260 province code such as 330000"
        )
    return row.iloc[0]


def _kpi(s: dict[str, Any], year: int | None) -> dict[str, Any] | None:
    d = s["data"].set_index("year")
    have = d["value"].dropna()
    if year is not None:
        have = have[have.index <= year]
    if have.empty:
        return None
    y = int(have.index[-1])
    v = float(have.iloc[-1])
    prev = float(d["value"].get(y - 1)) if (y - 1) in d.index and pd.notna(d["value"].get(y - 1)) else None
    rank = _py(d.loc[y, "rank"])
    rprev = _py(d.loc[y - 1, "rank"]) if (y - 1) in d.index else None
    div = s["national_method"] == "sum"
    gm = d.loc[y, "group"] / d.loc[y, "group_n"] if div else d.loc[y, "group"]
    nm = d.loc[y, "national"] / d.loc[y, "national_n"] if div else d.loc[y, "national"]
    gm, nm = _py(float(gm)) if pd.notna(gm) else None, _py(float(nm)) if pd.notna(nm) else None
    return {
        "code": s["code"],
        "name": s["name"],
        "unit": s["unit"],
        "unit_label": s["unit_label"],
        "dataset_id": s["dataset_id"],
        "year": y,
        "value": v,
        "previous": prev,
        "change": (v / prev - 1) if prev not in (None, 0.0) else None,
        "change_abs": (v - prev) if prev is not None else None,
        "rank": rank,
        "rank_previous": rprev,
        "rank_change": (rprev - rank) if rank is not None and rprev is not None else None,
        "n": _py(d.loc[y, "n"]),
        "group_mean": gm,
        "national_mean": nm,
        "vs_group": (v / gm - 1) if gm not in (None, 0.0) else None,
    }


def _coordination(store: Store, code: str, run_id: str, year: int | None, lang: str) -> dict[str, Any]:
    D = macro_service.map_values(store, run_id, "D")
    D = D.assign(rank=D.groupby("year")["value"].rank(ascending=False, method="min"))
    mine = D[D["region_code"] == code].sort_values("year")
    if mine.empty:
        return {"run_id": run_id, "history": [], "obstacles": [], "lagging": None, "year": None}
    history = []
    for r in mine.itertuples():
        lvl = int(coordination_level(r.value))
        history.append(
            {
                "year": int(r.year),
                "D": float(r.value),
                "level_code": lvl,
                "level": COORDINATION_LEVELS[lvl][3 if lang == "zh" else 4],
                "rank": int(r.rank),
                "n": int((D["year"] == r.year).sum()),
            }
        )
    years = [h["year"] for h in history]
    y = max([v for v in years if year is None or v <= year], default=years[0])
    lag = store_runs.run_values(store, run_id, measure="lagging", year=y, region_code=code)
    role = lag["label"].iloc[0] if len(lag) else None
    role = role if role in macro_service.ROLES else "digital"
    vals = store_runs.run_values(store, run_id, year=y, region_code=code)
    ob = vals[vals["measure"].str.startswith(f"obstacle.{role}.")].dropna(subset=["value"])
    ob = ob.sort_values("value", ascending=False).head(3)
    names: dict[str, str] = {}
    try:
        system = macro_service.stored_systems(store, run_id)[role]
        names = {
            i.code: ((i.name_zh if lang == "zh" else i.name_en) or i.code)
            for d in system.dimensions
            for i in d.indicators
        }
    except InputError:
        pass
    obstacles = [
        {
            "indicator": m.split(".", 2)[2],
            "name": names.get(m.split(".", 2)[2], m.split(".", 2)[2]),
            "O": float(v),
        }
        for m, v in zip(ob["measure"], ob["value"])
    ]
    return {"run_id": run_id, "year": y, "history": history, "lagging": role, "obstacles": obstacles}


def _sectors(store: Store, code: str, lang: str) -> dict[str, Any] | None:
    tid = io_service.PROVINCIAL_PREFIX + code
    if not io_service.has_table(store, tid):
        return None
    X = structure.provincial_structure(store, sectors="all", measure="output")
    lq = location_quotient(X).LQ.loc[code]
    names = io_service.sector_names(store, tid, lang)
    x = X.loc[code]
    lq_rows = [
        {"sector": s, "name": _py(names.get(s)), "LQ": float(lq[s]), "output": float(x[s])}
        for s in lq.sort_values(ascending=False).index
    ]
    ks = io_service.table_key_sectors(store, tid).table
    key = [
        {
            "sector": str(s),
            "name": _py(names.get(str(s))),
            "backward": float(r.backward),
            "forward": float(r.forward),
        }
        for s, r in ks[ks["quadrant"] == "key"].iterrows()
    ]
    cp = io_service.chokepoints_frame(io_service.import_chokepoints(store, tid), top=_TOP, lang=lang)
    cols = ["sector", "name", "import_share", "output_at_risk_share", "score"]
    return {
        "table_id": tid,
        "year": 2017,
        "unit": "10^4 CNY",
        "location_quotients": lq_rows,
        "key_sectors": key,
        "chokepoints": cp[cols].astype(object).where(cp[cols].notna(), None).to_dict("records"),
    }


def _enterprises(store: Store, code: str) -> dict[str, Any] | None:
    rel = releases.latest_release(store, ["region"])
    if rel is None:
        return None
    f = rel.frame[rel.frame["region"] == code]
    head = {k: _py(rel.header.get(k)) for k in ("release_id", "model_code", "period", "k", "made_at")}
    if f.empty:
        return {**head, "n": None, "levels": [], "suppressed": None, "suppression": None}
    r = f.iloc[0]
    sup = bool(r["suppressed"])
    levels = [
        {"level": lv, "share": None if sup else _py(r.get(f"share_{lv}"))}
        for lv in rel.header.get("levels", [])
    ]
    return {
        **head,
        "n": None if sup else _py(r["n"]),
        "mean": None if sup else _py(r["mean"]),
        "levels": levels,
        "suppressed": sup,
        "suppression": _py(r["suppression"]) if sup else None,
    }


def region_board(
    store: Store,
    code: str,
    *,
    year: int | None = None,
    lang: str = "en",
    datasets: Collection[str] | None = None,
    macro_run: str | None = None,
    who: Principal | None = None,
    alerts_limit: int = 20,
) -> dict[str, Any]:
    """The board of one province (see the module docstring): ``code, name, group, year, kpis,
    coordination, sectors, enterprises, alerts, notes``.

    ``datasets``: the panel datasets the caller may read (None: all); ``macro_run``: the run to read
    D from (the caller passes the newest it may read; None: no coordination part); ``who``: whose
    grade limits the alerts (None: every alert).
    """
    check_lang(lang)
    row = _province(store, code)
    notes: list[str] = []
    kpis = []
    lib = indicators.library(store, datasets=datasets)
    stored = set(lib.loc[lib["kind"] == "panel", "code"])
    for c in indicators.kpi_codes():
        if c not in stored:
            continue
        k = _kpi(indicators.series(store, c, region=code, datasets=datasets, lang=lang), year)
        if k is not None:
            kpis.append(k)
    coord = None
    if macro_run is not None:
        coord = _coordination(store, code, macro_run, year, lang)
    else:
        notes.append(
            _t(lang, "no macro run: run 'ibrain macro run'", "尚无宏观测算结果：请运行 ibrain macro run")
        )
    sectors = _sectors(store, code, lang)
    if sectors is None:
        notes.append(_t(lang, "no provincial input–output table of this region", "无该地区的省级投入产出表"))
    ent = _enterprises(store, code)
    if ent is None:
        notes.append(_t(lang, "no enterprise release yet", "尚无企业汇总发布"))
    al, withheld = monitor.alerts(store, who, region_code=code, lang=lang)
    by_sev = al.groupby("severity").size().to_dict() if len(al) else {}
    alert_rows = al.head(alerts_limit).astype(object)
    alert_rows = alert_rows.where(alert_rows.notna(), None).to_dict("records")
    zh = lang == "zh"
    return {
        "code": code,
        "name": row["name_zh" if zh else "name_en"],
        "group": _py(row["region4_zh" if zh else "region4_en"]),
        "year": year,
        "kpis": kpis,
        "coordination": coord,
        "sectors": sectors,
        "enterprises": ent,
        "alerts": {
            "data": [{k: _py(v) for k, v in a.items()} for a in alert_rows],
            "count": int(len(al)),
            "open": int((al["state"] != "closed").sum()) if len(al) else 0,
            "by_severity": {k: int(v) for k, v in by_sev.items()},
            "withheld": int(withheld),
        },
        "notes": notes,
    }


def compare(
    store: Store,
    codes: Sequence[str],
    indicator: str,
    *,
    lang: str = "en",
    datasets: Collection[str] | None = None,
    macro_run: str | None = None,
) -> dict[str, Any]:
    """Two or more provinces side by side on one indicator: ``regions`` (code, name, latest value,
    rank) and ``data`` (one row per year: ``year``, one column per region code, ``national``, the
    national line as in :func:`industrial_brain.services.indicators.series`)."""
    check_lang(lang)
    codes = list(dict.fromkeys(c.strip() for c in codes if c and c.strip()))
    if not 2 <= len(codes) <= 10:
        raise InputError.at("compare needs 2 to 10 provinces", column="codes", value=",".join(codes))
    frames, regions, meta = [], [], None
    for c in codes:
        row = _province(store, c)
        s = indicators.series(store, indicator, region=c, datasets=datasets, macro_run=macro_run, lang=lang)
        meta = meta or s
        d = s["data"].set_index("year")
        frames.append(d["value"].rename(c))
        last = d["value"].dropna()
        regions.append(
            {
                "code": c,
                "name": row["name_zh" if lang == "zh" else "name_en"],
                "year": int(last.index[-1]) if len(last) else None,
                "value": float(last.iloc[-1]) if len(last) else None,
                "rank": _py(d["rank"].get(last.index[-1])) if len(last) else None,
            }
        )
    nat = meta["data"].set_index("year")
    div = meta["national_method"] == "sum"
    national = nat["national"] / nat["national_n"] if div else nat["national"]
    wide = pd.concat([*frames, national.rename("national_mean")], axis=1).sort_index()
    wide.index.name = "year"
    return {
        "indicator": indicator,
        "name": meta["name"],
        "unit": meta["unit"],
        "unit_label": meta["unit_label"],
        "dataset_id": meta["dataset_id"],
        "run_id": meta["run_id"],
        "regions": regions,
        "data": wide.reset_index(),
    }
