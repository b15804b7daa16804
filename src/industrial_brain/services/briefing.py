"""Briefings that write themselves (研判–报告): the numbers, tables and chart series of a bilingual
briefing on a province, the nation or an industrial chain (one sector of a stored IO table), with the
sentences written from templates.

Everything is read from the store, nothing is estimated here:

* **region** (GB/T 2260 province code) and **nation**: the newest stored macro run
  (:func:`~industrial_brain.services.macro.newest_or_new_run`): the coupling coordination degree D,
  its level, the ranks among the provinces and their change on the year before, the three index
  scores, the largest obstacle factors (obstacle degree model), for the nation the Dagum Gini of D
  and Moran's I; the stored panels (gross regional product) through
  :func:`~industrial_brain.services.catalog.panel`;
* **chain**: the import-dependence chokepoint analysis of the table
  (:func:`~industrial_brain.services.io.import_chokepoints`), the sector's users at risk and its
  linkage quadrant (Rasmussen backward/forward linkages,
  :func:`~industrial_brain.services.io.table_key_sectors`).

The year defaults to the run's clean default year
(:func:`~industrial_brain.services.quality.macro_default_year`: the latest year whose inputs carry no
``error`` or partial-year note). A value whose inputs carry a quality note is marked (``marks``), and
the renderers print † with a footnote. The :class:`Briefing` carries a
:class:`~industrial_brain.lineage.Lineage`
naming the run id and every dataset with its sha256, so the same store gives the same briefing.

Rendering (HTML, PDF, DOCX) lives in :mod:`industrial_brain.report.briefing`; the sentence templates
are plain format strings here, since the wording is part of what the briefing *says*.

References
----------
The ten classes of D: Liao Chongbin (廖重斌, 1999), the classification of coordinated development
(:data:`industrial_brain.macro.coupling.COORDINATION_LEVELS`); the obstacle degree model: see
:func:`industrial_brain.macro.obstacle.obstacle_degree`. Ranks: 1 = the largest D, ties sharing the
smaller rank; the change is last year's rank minus this year's (positive: up).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from industrial_brain._shared.i18n import check_lang
from industrial_brain._shared.results import ResultMixin
from industrial_brain.errors import InputError
from industrial_brain.lineage import Lineage
from industrial_brain.services import catalog
from industrial_brain.services import io as io_service
from industrial_brain.services.macro import (
    COORDINATION_LEVELS,
    ROLES,
    MacroRun,
    load_macro_run,
    macro_run_id,
    macro_runs,
    newest_or_new_run,
)
from industrial_brain.services.quality import macro_default_year, macro_quality, panel_quality
from industrial_brain.store.connection import Store

__all__ = ["SCOPES", "ALERT_COLUMNS", "BriefTable", "BriefChart", "Briefing", "briefing", "chain_table"]

#: What a briefing can be about.
SCOPES = ("region", "nation", "chain")
#: Columns an alert row may carry (the monitor's alert list); missing ones are left blank.
ALERT_COLUMNS = ("alert_id", "rule", "region_code", "indicator_code", "year", "severity", "state")
#: The panel indicators of a region's economy section.
PANEL_INDICATORS = ("gdp_100m_cny", "gdp_per_capita_cny")
_ROLE = {
    "digital": ("digital economy index", "数字经济指数"),
    "real": ("real economy index", "实体经济指数"),
    "nqpf": ("new quality productive forces index", "新质生产力指数"),
}
_TOP = 3


def _t(lang: str, en: str, zh: str) -> str:
    return zh if lang == "zh" else en


@dataclass(frozen=True)
class BriefTable:
    """A table of a briefing: ``frame`` as shown (labels in the briefing's language) and ``marks``
    (booleans, same index, the columns holding a value with a quality note) with its ``footnote``."""

    key: str
    title: str
    frame: pd.DataFrame
    marks: pd.DataFrame | None = None
    footnote: str = ""


@dataclass(frozen=True)
class BriefChart:
    """The series of a chart: ``data`` has x as index and one column per line or bar."""

    key: str
    title: str
    data: pd.DataFrame
    kind: str = "line"
    ylabel: str = ""


@dataclass(frozen=True)
class Briefing(ResultMixin):
    """A briefing's content, language-specific and ready for a renderer.

    Attributes
    ----------
    scope : {'region', 'nation', 'chain'}
    code : str or None
        Province code (region) or sector code (chain).
    year : int
    lang : {'zh', 'en'}
    title, subtitle : str
    headline : dict
        The numbers the prose states (region: ``D``, ``level``, ``rank``, ``rank_prev``,
        ``rank_change``, ``n``; nation: ``D_mean``, ``G``, ``I``; chain: ``rank``, ``score`` …).
    paragraphs : tuple of str
        The generated prose.
    tables, charts : tuple of BriefTable / BriefChart
    alerts : DataFrame or None
        The alert rows given (None: no alert section).
    run_id : str or None
        The stored macro run read (None for a chain).
    notes : tuple of str
        Quality and default-year lines.
    lineage : Lineage
    """

    scope: str
    code: str | None
    year: int
    lang: str
    title: str
    subtitle: str
    headline: Mapping[str, Any]
    paragraphs: tuple[str, ...]
    tables: tuple[BriefTable, ...]
    charts: tuple[BriefChart, ...]
    alerts: pd.DataFrame | None
    run_id: str | None
    notes: tuple[str, ...] = ()
    lineage: Lineage = field(default_factory=lambda: Lineage.make("services.briefing.briefing"))

    title_en = "Briefing"
    title_zh = "研判简报"

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """The headline numbers as ``item, value``."""
        return pd.DataFrame({"item": list(self.headline), "value": list(self.headline.values())})

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        yield ("title", self.title)
        for p in self.paragraphs:
            yield ("", p)

    def lineage_lines(self) -> list[str]:
        """Run id, method, version and each dataset with its sha256 (for the briefing's foot)."""
        lin = self.lineage
        head = _t(self.lang, "Reproducible from the store", "可由数据库复现")
        lines = [f"{head}: {lin.method} · ibrain {lin.version} · {lin.at}"]
        if self.run_id:
            lines.append(_t(self.lang, "macro run", "宏观运行") + f": {self.run_id}")
        lines += [f"{d}: sha256 {sha}" for d, sha in lin.datasets]
        return lines


# ----------------------------------------------------------------------------- shared pieces
def _ranks(values: pd.Series) -> pd.Series:
    """Rank 1 = largest value (ties share the smaller rank)."""
    return values.rank(ascending=False, method="min").astype("Int64")


def _level_name(code: int, lang: str) -> str:
    return COORDINATION_LEVELS[int(code)][3 if lang == "zh" else 4]


def _change_text(change: int | None, prev: int | None, lang: str) -> str:
    if change is None or prev is None:
        return _t(lang, "no rank for the year before", "上年无排名")
    if change > 0:
        return _t(lang, f"up {change} from {prev} the year before", f"较上年上升{change}位（上年第{prev}位）")
    if change < 0:
        return _t(
            lang, f"down {-change} from {prev} the year before", f"较上年下降{-change}位（上年第{prev}位）"
        )
    return _t(lang, "unchanged on the year before", "与上年持平")


def _footnote(kinds: set[str], lang: str) -> str:
    listed = ", ".join(sorted(k.replace("_", " ") for k in kinds))
    return _t(
        lang,
        f"† an input of this value carries a quality note in that year ({listed}); see 'ibrain quality'.",
        f"† 该数值所用的投入数据在该年有质量提示（{listed}）；详见 ibrain quality。",
    )


def _indicator_names(run: MacroRun, role: str, lang: str) -> dict[str, str]:
    return {
        i.code: (i.name_zh if lang == "zh" else i.name_en) or i.code
        for d in run.systems[role].dimensions
        for i in d.indicators
    }


def _check_year(run: MacroRun, year: int | None, store: Store, lang: str) -> tuple[int, list[str]]:
    clean = macro_default_year(store, run.run_id)
    y = clean.default if year is None else int(year)
    if y not in run.years:
        raise InputError.at(
            "parameter 'year': not in the stored macro run",
            value=y,
            expected=f"a year in {run.years[0]}–{run.years[-1]}",
        )
    return y, ([clean.line(lang)] if year is None else [])


def _alerts(rows: Sequence[Mapping[str, Any]] | None) -> pd.DataFrame | None:
    if rows is None:
        return None
    f = pd.DataFrame(list(rows))
    for c in ALERT_COLUMNS:
        if c not in f.columns:
            f[c] = None
    return f[[*ALERT_COLUMNS, *[c for c in f.columns if c not in ALERT_COLUMNS]]]


def _lineage(scope: str, params: dict[str, Any], datasets: Iterable[tuple[str, str]]) -> Lineage:
    return Lineage.make(
        "services.briefing.briefing", {"scope": scope, **params}, datasets=tuple(dict.fromkeys(datasets))
    )


# ----------------------------------------------------------------------------- region
def _region(store: Store, run: MacroRun, code: str, year: int | None, lang: str) -> dict[str, Any]:
    zh = lang == "zh"
    if code not in run.regions.index:
        raise InputError.at(
            "parameter 'code': unknown province",
            value=code,
            expected="a GB/T 2260 province code such as 330000",
        )
    y, notes = _check_year(run, year, store, lang)
    name = run.regions.loc[code, "name_zh" if zh else "name_en"]
    D = run.D
    rank = _ranks(D[y])
    prev = _ranks(D[y - 1]) if (y - 1) in D.columns else None
    r_prev = int(prev[code]) if prev is not None else None
    change = r_prev - int(rank[code]) if r_prev is not None else None
    levels = pd.Series(np.asarray(run.coupling.level), index=run.coupling.index)
    level = int(levels[(code, y)])
    U = run.U.xs(y, level="year")
    roles = {r: (float(U.loc[code, r]), int(_ranks(U[r])[code])) for r in ROLES}
    n = int(D.shape[0])
    quality = macro_quality(store, run, "D")
    kinds_d = quality.kinds(code, y)
    mark = " †" if kinds_d else ""
    d = float(D.loc[code, y])
    headline = {
        "D": d,
        "level": _level_name(level, lang),
        "level_code": level,
        "rank": int(rank[code]),
        "rank_prev": r_prev,
        "rank_change": change,
        "n": n,
        **{f"U_{r}": v for r, (v, _) in roles.items()},
    }
    if zh:
        p1 = (
            f"{y}年{name}数实融合耦合协调度{d:.3f}{mark}，居全国第{int(rank[code])}位（共{n}个省份），"
            f"{_change_text(change, r_prev, lang)}，处于“{_level_name(level, lang)}”等级。"
        )
        p2 = "；".join(f"{_ROLE[r][1]}{v:.3f}（第{k}位）" for r, (v, k) in roles.items()) + "。"
    else:
        p1 = (
            f"In {y} the coupling coordination degree of the digital and the real economy of {name} was "
            f"{d:.3f}{mark}, ranking {int(rank[code])} of {n} provinces "
            f"({_change_text(change, r_prev, lang)}), "
            f"level “{_level_name(level, lang)}”."
        )
        p2 = "; ".join(f"{_ROLE[r][0]} {v:.3f} (rank {k})" for r, (v, k) in roles.items()) + "."
    paragraphs = [p1, p2]
    # obstacles: the largest factors of the lagging system in the year
    lag = pd.Series(run.coupling.lagging, index=run.coupling.index)[(code, y)] or "digital"
    top = run.obstacles[lag].top(_TOP)
    top = top.loc[(code, y)] if (code, y) in top.index.droplevel(-1) else top.iloc[:0]
    names = _indicator_names(run, lag, lang)
    obst = pd.DataFrame(
        {
            _t(lang, "rank", "位次"): top.index.get_level_values(-1).astype(int),
            _t(lang, "indicator", "指标"): [names.get(c, c) for c in top["indicator"]],
            _t(lang, "obstacle degree", "障碍度"): top["O"].to_numpy(),
        }
    )
    if len(obst):
        listed = ("、" if zh else ", ").join(
            f"{n_}（{o:.1%}）" if zh else f"{n_} ({o:.1%})" for n_, o in zip(obst.iloc[:, 1], obst.iloc[:, 2])
        )
        paragraphs.append(
            f"滞后子系统为{_ROLE[lag][1]}，主要障碍因子：{listed}。"
            if zh
            else f"The lagging subsystem is the {_ROLE[lag][0]}; its largest obstacle factors: {listed}."
        )
    # the economy: gross regional product from the stored panels
    view = catalog.panel(store, list(PANEL_INDICATORS), [code], (run.years[0], run.years[-1]))
    pf = view.frame.set_index("year").sort_index()
    pq = panel_quality(store, view)
    tables: list[BriefTable] = []
    if "gdp_100m_cny" in pf and y in pf.index and pd.notna(pf.loc[y, "gdp_100m_cny"]):
        g = float(pf.loc[y, "gdp_100m_cny"])
        growth = (g / float(pf.loc[y - 1, "gdp_100m_cny"]) - 1) if (y - 1) in pf.index else np.nan
        headline["gdp_100m_cny"] = g
        paragraphs.append(
            f"地区生产总值{g:,.0f}亿元" + (f"，名义增长{growth:.1%}" if np.isfinite(growth) else "") + "。"
            if zh
            else f"Gross regional product {g:,.0f} × 10⁸ CNY (亿元)"
            + (f", nominal growth {growth:.1%}" if np.isfinite(growth) else "")
            + "."
        )
    # table of the years: D, rank, level, the indices, GDP
    rows = []
    for yy in run.years:
        rows.append(
            {
                _t(lang, "year", "年份"): int(yy),
                "D": float(D.loc[code, yy]),
                _t(lang, "rank", "排名"): int(_ranks(D[yy])[code]),
                _t(lang, "level", "协调等级"): _level_name(int(levels[(code, yy)]), lang),
                **{_ROLE[r][1 if zh else 0]: float(run.U.loc[(code, yy), r]) for r in ROLES},
                _t(lang, "GRP (10⁸ CNY)", "地区生产总值（亿元）"): float(pf.loc[yy, "gdp_100m_cny"])
                if yy in pf.index and "gdp_100m_cny" in pf
                else np.nan,
            }
        )
    hist = pd.DataFrame(rows)
    marks = pd.DataFrame(False, index=hist.index, columns=hist.columns)
    all_kinds: set[str] = set()
    for i, yy in enumerate(run.years):
        k = quality.kinds(code, yy)
        marks.loc[i, "D"] = bool(k)
        kg = pq.kinds(code, yy)
        marks.loc[i, hist.columns[-1]] = bool(kg)
        all_kinds |= k | kg
    tables.append(
        BriefTable(
            "history",
            _t(lang, f"{name}: coordination and economy by year", f"{name}：历年耦合协调度与经济"),
            hist,
            marks,
            _footnote(all_kinds, lang),
        )
    )
    if len(obst):
        tables.append(
            BriefTable("obstacles", _t(lang, f"Largest obstacle factors, {y}", f"{y}年主要障碍因子"), obst)
        )
    # peers: the provinces ranked next to it
    r0 = int(rank[code])
    peers = rank[(rank >= r0 - 2) & (rank <= r0 + 2)].sort_values()
    nm = run.regions["name_zh" if zh else "name_en"]
    tables.append(
        BriefTable(
            "peers",
            _t(lang, f"Neighbours in the ranking, {y}", f"{y}年排名相邻省份"),
            pd.DataFrame(
                {
                    _t(lang, "rank", "排名"): peers.astype(int).to_numpy(),
                    _t(lang, "province", "省份"): nm.loc[peers.index].to_numpy(),
                    "D": D.loc[peers.index, y].to_numpy(),
                }
            ),
        )
    )
    mean = D.mean()
    charts = [
        BriefChart(
            "D",
            _t(
                lang,
                f"Coupling coordination degree D: {name} and the national mean",
                f"耦合协调度D：{name}与全国平均",
            ),
            pd.DataFrame(
                {name: D.loc[code].to_numpy(), _t(lang, "national mean", "全国平均"): mean.to_numpy()},
                index=pd.Index([int(c) for c in D.columns], name="year"),
            ),
            "line",
            "D",
        )
    ]
    if "gdp_100m_cny" in pf:
        charts.append(
            BriefChart(
                "gdp",
                _t(lang, "Gross regional product (100 million CNY)", "地区生产总值（亿元）"),
                pf[["gdp_100m_cny"]].rename(columns={"gdp_100m_cny": name}),
                "bar",
                _t(lang, "100 million CNY", "亿元"),
            )
        )
    if kinds_d:
        notes.append(_footnote(kinds_d, lang))
    return {
        "code": code,
        "year": y,
        "title": _t(
            lang, f"{name} digital–real economy integration briefing, {y}", f"{name}{y}年数实融合研判简报"
        ),
        "headline": headline,
        "paragraphs": paragraphs,
        "tables": tables,
        "charts": charts,
        "notes": notes,
        "datasets": [*run.lineage.datasets] + _panel_datasets(store, pf),
        "params": {"code": code, "year": y, "run_id": run.run_id},
    }


def _panel_datasets(store: Store, pf: pd.DataFrame) -> list[tuple[str, str]]:
    """The datasets (with sha256) holding the panel indicators a briefing read."""
    ind = catalog.indicators(store)
    ids = set(ind.loc[ind["code"].isin(PANEL_INDICATORS), "dataset_id"]) if "code" in ind else set()
    cat = catalog.catalog(store)
    return [(d, s) for d, s in zip(cat["dataset_id"], cat["sha256"]) if d in ids]


# ----------------------------------------------------------------------------- nation
def _nation(store: Store, run: MacroRun, year: int | None, lang: str) -> dict[str, Any]:
    zh = lang == "zh"
    y, notes = _check_year(run, year, store, lang)
    D = run.D
    n = int(D.shape[0])
    mean_y = float(D[y].mean())
    nm = run.regions["name_zh" if zh else "name_en"]
    order = D[y].sort_values(ascending=False)
    levels = pd.Series(np.asarray(run.coupling.level), index=run.coupling.index).xs(y, level="year")
    common = int(levels.value_counts().idxmax())
    headline: dict[str, Any] = {
        "D_mean": mean_y,
        "n": n,
        "top": order.index[0],
        "common_level": _level_name(common, lang),
    }
    prev = float(D[y - 1].mean()) if (y - 1) in D.columns else None
    delta = (mean_y - prev) if prev is not None else None
    sep = "、" if zh else ", "
    top3 = sep.join(nm.loc[order.index[:3]])
    if zh:
        p1 = (
            f"{y}年全国{n}个省份数实融合耦合协调度平均为{mean_y:.3f}"
            + (f"，较上年{'上升' if delta >= 0 else '下降'}{abs(delta):.3f}" if delta is not None else "")
            + f"；最常见等级为“{_level_name(common, lang)}”（{int((levels == common).sum())}个省份）"
            + f"；前三位为{top3}。"
        )
    else:
        p1 = (
            f"In {y} the mean coupling coordination degree of the {n} provinces was {mean_y:.3f}"
            + (
                f" ({'up' if delta >= 0 else 'down'} {abs(delta):.3f} on the year before)"
                if delta is not None
                else ""
            )
            + f"; the most common level was “{_level_name(common, lang)}” ({int((levels == common).sum())} "
            f"provinces); the top three: {top3}."
        )
    paragraphs = [p1]
    if y in run.dagum:
        g = run.dagum[y]
        c = g.contributions
        headline["G"] = float(g.gini)
        paragraphs.append(
            f"Dagum基尼系数{g.gini:.4f}，组内、组间净差异与超变密度贡献率分别为{c['within']:.1%}、"
            f"{c['net_between']:.1%}、{c['transvariation']:.1%}。"
            if zh
            else f"The Dagum Gini coefficient of D was {g.gini:.4f}; within-group, net between-group and "
            f"transvariation shares {c['within']:.1%}, {c['net_between']:.1%} and {c['transvariation']:.1%}."
        )
    if y in run.moran:
        m = run.moran[y]
        p = m.p_sim if m.p_sim is not None else m.p_norm
        headline["I"] = float(m.I)
        sig = p < 0.05
        paragraphs.append(
            f"全局莫兰指数I为{m.I:.4f}（p={p:.3g}），" + ("空间集聚显著。" if sig else "空间集聚不显著。")
            if zh
            else f"Global Moran's I was {m.I:.4f} (p = {p:.3g}): spatial clustering "
            + ("significant." if sig else "not significant.")
        )
    quality = macro_quality(store, run, "D")
    rk = _ranks(D[y])
    prev_rk = _ranks(D[y - 1]) if (y - 1) in D.columns else None
    tab = pd.DataFrame(
        {
            _t(lang, "rank", "排名"): rk.loc[order.index].astype(int).to_numpy(),
            _t(lang, "province", "省份"): nm.loc[order.index].to_numpy(),
            "D": order.to_numpy(),
            _t(lang, "level", "协调等级"): [_level_name(int(levels[c]), lang) for c in order.index],
            _t(lang, "rank change", "位次变化"): [
                (int(prev_rk[c]) - int(rk[c])) if prev_rk is not None else None for c in order.index
            ],
        }
    )
    kinds = [quality.kinds(c, y) for c in order.index]
    marks = pd.DataFrame(False, index=tab.index, columns=tab.columns)
    marks["D"] = [bool(k) for k in kinds]
    tables = [
        BriefTable(
            "ranking",
            _t(lang, f"Provinces by D, {y}", f"{y}年各省份耦合协调度排名"),
            tab,
            marks,
            _footnote(set().union(*kinds), lang),
        )
    ]
    yrs = pd.Index([int(c) for c in D.columns], name="year")
    series = pd.DataFrame({_t(lang, "mean D", "平均D"): D.mean().to_numpy()}, index=yrs)
    if run.dagum:
        series[_t(lang, "Dagum G", "Dagum基尼系数")] = [
            float(run.dagum[c].gini) if c in run.dagum else np.nan for c in yrs
        ]
    charts = [
        BriefChart(
            "national",
            _t(lang, "Mean D and its inequality by year", "全国平均耦合协调度与区域差异"),
            series,
            "line",
            "",
        )
    ]
    if run.moran:
        mt = run.moran_table("en").set_index("year")
        tables.append(
            BriefTable(
                "moran",
                _t(lang, "Moran's I of D by year", "历年耦合协调度莫兰指数"),
                mt[["I", "p_norm"]].reset_index().rename(columns={"year": _t(lang, "year", "年份")}),
            )
        )
    return {
        "code": None,
        "year": y,
        "title": _t(
            lang, f"National digital–real economy integration briefing, {y}", f"全国{y}年数实融合研判简报"
        ),
        "headline": headline,
        "paragraphs": paragraphs,
        "tables": tables,
        "charts": charts,
        "notes": notes,
        "datasets": list(run.lineage.datasets),
        "params": {"year": y, "run_id": run.run_id},
    }


# ----------------------------------------------------------------------------- chain
def chain_table(store: Store, year: int | None) -> str:
    """The table a chain briefing reads by default: the newest national 42-sector IO table of
    ``year`` or before (any year when None); :class:`InputError` when the store holds none."""
    t = io_service.table_list(store)
    nat = t[t["table_id"].str.startswith("cn_nbs_io_") & (t["sectors"] == 42)].sort_values("year")
    if year is not None:
        nat = nat[nat["year"] <= int(year)]
    if nat.empty:
        raise InputError.at(
            "no national 42-sector IO table in the store",
            column="table",
            expected="--table ID of a stored IO table",
        )
    return str(nat["table_id"].iloc[-1])


def _chain(store: Store, sector: str, table_id: str | None, year: int | None, lang: str) -> dict[str, Any]:
    zh = lang == "zh"
    table_id = table_id or chain_table(store, year)
    res = io_service.import_chokepoints(store, table_id)
    cf = io_service.chokepoints_frame(res, lang=lang)
    if sector not in set(cf["sector"]):
        raise InputError.at(
            "parameter 'code': unknown sector of the table",
            value=sector,
            expected=f"a sector code of {table_id}, such as {cf['sector'].iloc[0]}",
        )
    row = cf[cf["sector"] == sector].iloc[0]
    t = io_service.table_list(store).set_index("table_id")
    y = int(t.loc[table_id, "year"])
    n = len(cf)
    ks = io_service.table_key_sectors(store, table_id).to_frame(lang)
    quadrant = str(ks.loc[sector].iloc[-1]) if sector in ks.index else ""
    headline = {
        "rank": int(row["rank"]),
        "n": n,
        "score": float(row["score"]),
        "import_share": float(row["import_share"]),
        "output_at_risk_share": float(row["output_at_risk_share"]),
        "table_id": table_id,
    }
    name = row["name"]
    if zh:
        p = [
            f"据{y}年投入产出表（{table_id}），{name}（{sector}）卡脖子综合得分{row['score']:.4f}，居{n}个部门第"
            f"{int(row['rank'])}位；进口占总供给{row['import_share']:.1%}，受进口中断影响的产出占总产出"
            f"{row['output_at_risk_share']:.2%}。",
            f"影响力系数{ks.loc[sector].iloc[0]:.3f}，感应度系数{ks.loc[sector].iloc[1]:.3f}，属于“{quadrant}”。",
        ]
    else:
        p = [
            f"In the {y} input–output table ({table_id}), {name} ({sector}) scores {row['score']:.4f} as a "
            f"chokepoint, rank {int(row['rank'])} of {n} sectors; imports are {row['import_share']:.1%} "
            f"of its supply, and the output at risk from an import stop is "
            f"{row['output_at_risk_share']:.2%} of total output.",
            f"Backward linkage {ks.loc[sector].iloc[0]:.3f}, forward linkage "
            f"{ks.loc[sector].iloc[1]:.3f}: {quadrant.replace('_', ' ')}.",
        ]
    users = io_service.chokepoint_users(res, sector, top=10, lang=lang)
    users = users.rename(
        columns={
            "user": _t(lang, "user", "使用部门"),
            "name": _t(lang, "name", "名称"),
            "imported_use": _t(lang, "imported use", "进口品使用"),
            "ghosh_multiplier": _t(lang, "Ghosh multiplier", "Ghosh乘数"),
            "output_at_risk": _t(lang, "output at risk", "受险产出"),
            "share_of_product": _t(lang, "share of the product", "占该产品比重"),
        }
    )
    top = cf.head(10)[["rank", "sector", "name", "import_share", "output_at_risk_share", "score"]]
    if zh:
        top = top.rename(
            columns={
                "rank": "排名",
                "sector": "部门",
                "name": "名称",
                "import_share": "进口占比",
                "output_at_risk_share": "受险产出占比",
                "score": "得分",
            }
        )
    tables = [
        BriefTable("chokepoints", _t(lang, "The ten largest chokepoints", "卡脖子程度前十部门"), top),
        BriefTable(
            "users",
            _t(lang, f"Users of {name} by output at risk", f"{name}的主要使用部门（受险产出）"),
            users,
        ),
    ]
    charts = [
        BriefChart(
            "users",
            _t(lang, "Output at risk by using sector", "各使用部门受险产出"),
            users.set_index(_t(lang, "name", "名称"))[[_t(lang, "output at risk", "受险产出")]],
            "bar",
            "",
        )
    ]
    return {
        "code": sector,
        "year": y,
        "title": _t(lang, f"Industrial chain briefing: {name}, {y}", f"{y}年产业链研判简报：{name}"),
        "headline": headline,
        "paragraphs": p,
        "tables": tables,
        "charts": charts,
        "notes": []
        if year is None or int(year) == y
        else [_t(lang, f"year {year} asked; the table is of {y}", f"请求年份{year}；所用投入产出表为{y}年")],
        "datasets": list(res.lineage.datasets),
        "params": {"code": sector, "table_id": table_id, "year": y},
    }


# ----------------------------------------------------------------------------- entry point
def briefing(
    store: Store,
    scope: str,
    code: str | None = None,
    *,
    year: int | None = None,
    lang: str = "zh",
    table_id: str | None = None,
    alerts: Sequence[Mapping[str, Any]] | None = None,
    run: MacroRun | None = None,
) -> Briefing:
    """The briefing on a province (``scope='region'``, ``code`` a province code), the nation
    (``'nation'``) or a chain (``'chain'``, ``code`` a sector of ``table_id``) in ``year`` (default:
    the macro run's clean default year; for a chain the newest national table up to ``year``).

    ``alerts``: alert rows (mappings with :data:`ALERT_COLUMNS`) for an alert section; None leaves
    the section out, an empty list says that none is open. ``run``: a loaded macro run (default the
    newest stored one; the pipeline runs once with its defaults on a store with none).

    Raises
    ------
    InputError
        Unknown scope, province, sector, table or a year outside the run.
    """
    check_lang(lang)
    if scope not in SCOPES:
        raise InputError.at("parameter 'scope': unknown scope", value=scope, expected=" | ".join(SCOPES))
    if scope != "nation" and not code:
        raise InputError(f"parameter 'code' is needed for a {scope} briefing (a province or sector code)")
    if scope == "chain":
        parts = _chain(store, str(code), table_id, year, lang)
        run_id = None
    else:
        if run is None:  # the newest run without its index audits (not shown); a first run if none
            if macro_runs(store).empty:
                run = newest_or_new_run(store)
            else:
                run = load_macro_run(store, macro_run_id(store)[0], audits=False)
        parts = (
            _region(store, run, str(code), year, lang)
            if scope == "region"
            else _nation(store, run, year, lang)
        )
        run_id = run.run_id
    sub = _t(
        lang,
        "Written from the stored results by Industrial Brain; every number is read from the store.",
        "产业大脑据已存储结果自动生成；所有数值均读自数据库。",
    )
    return Briefing(
        scope=scope,
        code=parts["code"],
        year=int(parts["year"]),
        lang=lang,
        title=parts["title"],
        subtitle=sub,
        headline=parts["headline"],
        paragraphs=tuple(parts["paragraphs"]),
        tables=tuple(parts["tables"]),
        charts=tuple(parts["charts"]),
        alerts=_alerts(alerts),
        run_id=run_id,
        notes=tuple(parts["notes"]),
        lineage=_lineage(scope, {**parts["params"], "lang": lang}, parts["datasets"]),
    )
