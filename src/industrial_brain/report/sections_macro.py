"""Demo-report sections of the macro pipeline (数实融合宏观分析), in report order:

``section_macro_indices`` (provinces × years with the three indices, D and the coordination level),
``section_macro_dagum`` (Dagum Gini of D by year), ``section_macro_moran`` (Moran's I of D by year,
LISA counts), ``section_macro_kde`` (kernel-density ridge plot of D), ``section_macro_map``
(province map of D in the default year) and ``section_macro_structure`` (homogeneous and uneven
development: structure-similarity heat-map, near-duplicate manufacturing structures, the trend on the
three-sector panel, specialisation, digital input intensity by industry — computed from the stored
tables by :mod:`industrial_brain.services.structure`, not a stored run).

The table of one year and the map show the run's *default year*: the latest year in which no input
of the run carries an ``error`` or partial-year quality note
(:func:`~industrial_brain.services.quality.macro_quality`); a value whose inputs carry a quality note
shows † next to the number, and a footnote under the table says what the notes are.

After them, ``section_macro_audit_digital``, ``…_real`` and ``…_nqpf``: how each index was built
(weights by method, contributions, rank intervals, correlation, alpha and PCA checks), from the
audits stored with the run.

Every section renders the newest stored macro run, reloaded as the pipeline's result object
(:func:`~industrial_brain.services.macro.newest_or_new_run`; the pipeline runs once with its
defaults when the store holds none), so the report shows one consistent, stored run with its
lineage and recomputes nothing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from industrial_brain.report.html import MARK, Section, chart_label
from industrial_brain._shared.i18n import unit_label
from industrial_brain.report.labels import zh_value
from industrial_brain.services.index_audit import audit_tables, run_audit
from industrial_brain.services.index_checks import published_rank_checks
from industrial_brain.services.macro import MacroRun, newest_or_new_run
from industrial_brain.services import structure as structure_service
from industrial_brain.services.quality import macro_quality
from industrial_brain.viz.fonts import cjk_font
from industrial_brain.store.connection import Store
from industrial_brain.viz.macro import (
    choropleth,
    contribution_bars,
    kernel_density_ridge,
    moran_by_year,
    rank_interval_chart,
    similarity_heatmap,
)

__all__ = [
    "SECTIONS_MACRO",
    "section_macro_indices",
    "section_macro_dagum",
    "section_macro_moran",
    "section_macro_kde",
    "section_macro_map",
    "section_macro_structure",
    "section_macro_audit_digital",
    "section_macro_audit_real",
    "section_macro_audit_nqpf",
]


def _names(run: MacroRun, lang: str) -> dict[str, str]:
    return run.regions["name_zh" if lang == "zh" else "name_en"].to_dict()


#: Column of the run's table → the map measure whose inputs it depends on.
_INPUTS_OF = {
    "digital": "index.digital",
    "real": "index.real",
    "nqpf": "index.nqpf",
    "C": "D",
    "T": "D",
    "D": "D",
}


def _marks(run: MacroRun, frame: pd.DataFrame, store: Store) -> pd.DataFrame:
    """Per cell of ``frame`` (the run's table in any language): the kinds of the quality notes on the
    value's inputs in its year (an empty set: none)."""
    names = dict(zip(run.to_frame("en").reset_index().columns, frame.columns))
    quality = {m: macro_quality(store, run, m) for m in set(_INPUTS_OF.values())}
    return pd.DataFrame(
        {
            names[col]: [quality[m].kinds(r, y) for r, y in zip(frame["region_code"], frame["year"])]
            for col, m in _INPUTS_OF.items()
        },
        index=frame.index,
    )


def _footnote(kinds: pd.DataFrame, lang: str) -> str:
    """The footnote of the † marks in ``kinds`` (the cells shown)."""
    found = sorted(set().union(*kinds.to_numpy().ravel()))
    if lang == "zh":
        listed = "、".join(str(zh_value(k)) for k in found)
        return f"{MARK} 该数值所用的投入数据在该年有质量提示（{listed}）；详见 /api/v1/quality-notes。"
    listed = ", ".join(k.replace("_", " ") for k in found)
    return (
        f"{MARK} an input of this value carries a quality note in that year ({listed}); the notes: "
        "'ibrain quality' or /api/v1/quality-notes."
    )


_ROLE_ZH = {"digital": "数字经济指数", "real": "实体经济指数", "nqpf": "新质生产力指数"}


def _run_notes(s: Section, notes) -> None:
    """The pipeline's notes (English text of the engines): as they are in English; in Chinese their
    number and where to read them."""
    notes = list(notes)
    if not notes:
        return
    if s.lang == "zh":
        s.note_cmd(f"本次运行另有 {len(notes)} 条方法说明（英文原文）：见 ", "ibrain macro show", "。")
        return
    for n in notes:
        s.note(n)


def section_macro_indices(store: Store, lang: str) -> Section:
    """Table of provinces × years with the indices, D and the coordination level (the stored run)."""
    zh = lang == "zh"
    run = newest_or_new_run(store)
    s = Section.of(lang, "Digital–real economy integration", "数实融合：指数与耦合协调度")
    y0, y1 = run.years[0], run.years[-1]
    D = run.D
    if zh:
        s.text(
            "三个综合指数（数字经济、实体经济、新质生产力；混合极差标准化，熵权法）覆盖 "
            f"{D.shape[0]} 个省份，"
            f"{y0}–{y1} 年；数字经济与实体经济的耦合协调度 D"
            f"（{_MODEL_ZH.get(run.model, run.model)}模型）。D 的均值由 "
            f"{D[y0].mean():.3f} 升至 {D[y1].mean():.3f}；已存为分析运行 {run.run_id}。"
        )
    else:
        s.text(
            f"Three composite indices (digital economy, real economy, new quality productive forces; pooled "
            f"min–max, entropy weights) for {D.shape[0]} provinces, {y0}–{y1}, and the coupling coordination "
            f"degree D of the digital and the real economy ({run.model} model). Mean D rose from "
            f"{D[y0].mean():.3f} to {D[y1].mean():.3f}; stored as run {run.run_id}."
        )
    pooled = run.rank_checks[run.rank_checks["period"] == "pooled"]
    if len(pooled) and zh:
        s.text(
            "外部合理性检验（非目标）：与源面板自带综合指数的 Spearman 秩相关——"
            + "；".join(
                f"{_ROLE_ZH.get(r.role, r.role)}对{r.reference}：{r.spearman:.3f}（n = {r.n}）"
                for r in pooled.itertuples()
            )
            + "。"
        )
    elif len(pooled):
        s.text(
            "External sanity check (not a target): Spearman rank correlation with the source panel's own "
            "composites — "
            + "; ".join(
                f"{r.role} vs {r.reference}: {r.spearman:.3f} (n = {r.n})" for r in pooled.itertuples()
            )
            + "."
        )
    pub = published_rank_checks(run, "digital", lang)
    if len(pub):
        s.note(
            "数字经济指数与已发布省级排名的比较（所列省份上的秩相关；前k名重合率）："
            if zh
            else "The digital economy index against published provincial rankings (rank correlation over "
            "the listed provinces; share of the published top k in our top k):"
        )
        s.table(
            pub.drop(columns=pub.columns[0]),  # the title names the source
            floatfmt="{:,.2f}",
            unit=("rank correlations −1 to 1; overlap share 0–1", "秩相关系数 −1 至 1；重合率 0–1"),
        )
    frame = run.to_frame(lang).reset_index()
    kinds = _marks(run, frame, store)
    marks = kinds.map(bool)
    clean = macro_quality(store, run).clean
    y = clean.default
    d_col = "耦合协调度D" if zh else "D"
    last = frame[frame["year"] == y].sort_values(d_col, ascending=False)
    drop = [c for c in ("level_code", "等级代码", "lisa", "LISA聚类") if c in last.columns]
    s.note(("下表：" + clean.line("zh")) if zh else "The table below: " + clean.line("en"))
    s.marked_table(
        last.drop(columns=drop),
        marks,
        _footnote(kinds.loc[last.index], lang),
        31,
        "{:,.3f}",
        unit=("indices and D 0–1 (dimensionless)", "指数与耦合协调度 0–1（无量纲）"),
    )
    code_col = "等级代码" if zh else "level_code"
    cell = frame.assign(
        cell=[
            f"{d:.3f} ({int(c)})" + (f" {MARK}" if m else "")
            for d, c, m in zip(frame[d_col], frame[code_col], marks[d_col])
        ]
    )
    tab = cell.pivot(index="region_code", columns="year", values="cell")
    names = _names(run, lang)
    tab.insert(0, "name", [names.get(c, c) for c in tab.index])
    levels = ("，" if zh else ", ").join(f"{code} {name}" for code, name in run.level_names(lang))
    s.note(
        f"各省各年的耦合协调度 D 及其协调等级（{levels}）："
        if zh
        else f"D by province and year, with its coordination level ({levels}):"
    )
    s.table(tab.reset_index(), max_rows=31, unit=("D 0–1; level code in brackets", "D 0–1；括号内为等级代码"))
    if marks[d_col].any():
        s.note(_footnote(kinds[[d_col]], lang))
    _run_notes(s, run.notes[:6])
    s.code(run.lineage.footer()[:600])
    return s


def section_macro_dagum(store: Store, lang: str) -> Section:
    """Dagum Gini decomposition of D by year (NBS four regions), from the stored run."""
    run = newest_or_new_run(store)
    s = Section.of(lang, "Regional gaps: Dagum Gini", "区域差异：Dagum 基尼系数分解")
    t = run.inequality.loc["D"]
    parts = sorted(("within", "net_between", "transvariation"))
    shares = pd.DataFrame(
        {f"share_{k}": {y: r.contributions[k] for y, r in run.dagum.items()} for k in parts}
    )
    groups = sorted({str(g) for r in run.dagum.values() for g in r.G_jj.index})
    gjj = pd.DataFrame(
        {f"G_jj[{g}]": {y: r.G_jj.get(g, np.nan) for y, r in run.dagum.items()} for g in groups}
    )
    table = pd.concat([t[["G", "G_w", "G_nb", "G_t"]], shares, gjj, t[["theil_T", "CV"]]], axis=1)
    table = table.rename_axis("year").reset_index()
    s.text(
        s.t(
            "Dagum (1997) decomposition of the Gini coefficient of D over the NBS East / Central / West / "
            "Northeast regions: G = G_w (within) + G_nb (net between) + G_t (transvariation), with each "
            "part's share, the within-region Ginis, Theil T and the coefficient of variation.",
            "按东部、中部、西部、东北四大区域对 D 的基尼系数作 Dagum（1997）分解："
            "G = G_w（组内）+ G_nb（组间净差）+ G_t（超变密度），并列出各部分贡献率、各区域组内基尼系数、"
            "泰尔指数 T 与变异系数。",
        )
    )
    gap = float((table["G"] - table[["G_w", "G_nb", "G_t"]].sum(axis=1)).abs().max())
    s.table(
        table,
        floatfmt="{:,.4f}",
        unit=("Gini and Theil 0–1; shares of G 0–1", "基尼系数与泰尔指数 0–1；贡献率 0–1"),
    )
    s.note(
        s.t(
            f"Largest |G − (G_w + G_nb + G_t)| over the years: {gap:.1e}.",
            f"各年 |G − (G_w + G_nb + G_t)| 的最大值：{gap:.1e}。",
        )
    )
    return s


_WEIGHTS_ZH = {"contiguity": "邻接", "queen": "后式邻接", "distance": "距离", "knn": "k近邻"}


def section_macro_moran(store: Store, lang: str) -> Section:
    """Global Moran's I of D by year and LISA cluster counts, from the stored run."""
    run = newest_or_new_run(store)
    s = Section.of(lang, "Spatial autocorrelation: Moran's I", "空间自相关：莫兰指数")
    mt = run.moran_table()
    table = mt[
        [
            c
            for c in ("year", "I", "EI", "z_norm", "p_norm", "p_rand", "p_sim", "HH", "LL", "HL", "LH")
            if c in mt.columns
        ]
    ]
    wk = _WEIGHTS_ZH.get(run.weights_kind, run.weights_kind)
    s.text(
        s.t(
            f"Global Moran's I of D with {run.weights_kind} weights (row-standardised), analytical inference "
            "under normality and randomisation and a seeded permutation test; LISA counts of significant "
            "(p_sim ≤ 0.05) local clusters.",
            f"D 的全局莫兰指数 I（{wk}空间权重，行标准化），"
            "给出正态与随机化假设下的解析推断及固定种子的置换检验；"
            "LISA 列为显著（置换 p 值 ≤ 0.05）的局部聚类个数（HH 高–高，LL 低–低，HL 高–低，LH 低–高）。",
        )
    )
    fig = moran_by_year(
        table,
        title=chart_label("Moran's I of D", "耦合协调度的全局莫兰指数", lang),
        lang=lang if cjk_font() else "en",
    )
    s.figure(fig)
    return s.table(
        table.assign(year=table["year"].astype(int)),
        floatfmt="{:,.4f}",
        unit=(
            "I, E[I] dimensionless; p-values 0–1; LISA: number of provinces",
            "I、E[I] 无量纲；p 值 0–1；LISA：省份个数",
        ),
    )


def section_macro_kde(store: Store, lang: str) -> Section:
    """Kernel-density ridge plot of D by year: the densities the pipeline stored."""
    run = newest_or_new_run(store)
    s = Section.of(lang, "Distribution dynamics: kernel density", "分布动态：核密度估计")
    if run.kde is None:
        return s.note(
            s.t("The stored run has no kernel density of D: ", "所存运行没有 D 的核密度：")
            + "; ".join(n for n in run.notes if n.startswith("kernel density"))
        )
    s.figure(
        kernel_density_ridge(
            run.kde,
            title=chart_label("Kernel density of D by year", "耦合协调度核密度", lang),
            xlabel=chart_label("coupling coordination degree D", "耦合协调度 D", lang),
        )
    )
    f = run.kde.features.reset_index()
    s.text(
        s.t(
            "Gaussian kernel (Scott's bandwidth) per year on a common grid: location and height of the main "
            "peak, number of peaks (polarisation) and the width of the main peak.",
            "每年在同一网格上以高斯核（Scott 带宽）估计：主峰位置与高度、峰数（极化）及主峰半高宽。",
        )
    )
    if "year" in f.columns:
        f = f.assign(year=f["year"].astype(int))
    return s.table(
        f,
        floatfmt="{:,.4f}",
        unit=(
            "D units (0–1); density per unit of D; peaks: count",
            "位置与宽度按 D（0–1）计；密度按单位 D 计；峰数：个",
        ),
    )


def section_macro_map(store: Store, lang: str) -> Section:
    """Province map of D in the default year (ten coordination classes), from the stored run."""
    run = newest_or_new_run(store)
    y1 = macro_quality(store, run, "D").default_year
    s = Section.of(lang, f"Map of D, {y1}", f"{y1}年耦合协调度地图")
    fig = choropleth(
        run.D[y1],
        title=chart_label(f"Coupling coordination degree D, {y1}", f"{y1}年耦合协调度", lang),
        label=chart_label("D (0–1, dimensionless)", "耦合协调度 D（0–1，无量纲）", lang),
        bins=np.arange(0.0, 1.0001, 0.1),
        cmap="RdYlGn",
        lang=lang if cjk_font() else "en",
    )
    s.figure(fig)
    return s.note(
        s.t(
            "Classes of 0.1 follow the ten coordination levels; boundaries: ECharts China map "
            "(data/geo/china_provinces_clean.geojson), South China Sea in the inset box (the boundary file "
            "holds no island geometry: for analysis, not an official map).",
            "按 0.1 分级，对应十个协调等级；边界：ECharts 中国地图"
            "（data/geo/china_provinces_clean.geojson），"
            "南海诸岛见右下角插图（边界文件不含岛礁几何：供分析使用，非正式出版地图）。",
        )
    )


def section_macro_structure(store: Store, lang: str) -> Section:
    """Homogeneous and uneven development: similarity heat-map of the provinces' manufacturing
    structures (2017), near-duplicate pairs, the three-sector trend 2010–2022, Krugman specialisation
    and the division-of-labour index, digital input intensity by the three industries."""
    lang_fig = lang if cjk_font() else "en"
    s = Section.of(lang, "Homogeneous and uneven development", "产业同构与区域分工")
    zh = lang == "zh"
    sim = structure_service.similarity(store)
    near = sim.near_duplicates
    s.text(
        f"31个省份制造业结构（2017年省级投入产出表18个制造业部门的总产出）之间的产业结构相似系数（UNIDO）"
        f"S_ij：均值 {sim.mean:.3f}；{len(sim.pairs)} 对中有 {len(near)} 对 S ≥ {sim.threshold:g}"
        "（结构近乎相同，热力图中以白框标出；省份按 1 − S 的聚类排序）。"
        if zh
        else "Industrial-structure similarity coefficient (UNIDO) S_ij between the 31 provinces' "
        "manufacturing "
        f"structures (gross output of the 18 manufacturing sectors of the 2017 provincial input–output "
        f"tables): mean {sim.mean:.3f}; {len(near)} of {len(sim.pairs)} pairs at S ≥ {sim.threshold:g} "
        "(near-duplicate structures, outlined in the heat-map; provinces ordered by clustering on 1 − S)."
    )
    s.figure(
        similarity_heatmap(
            sim.S,
            names=structure_service.region_labels(store, lang_fig),
            threshold=sim.threshold,
            title=chart_label("Manufacturing structure similarity, 2017", "2017年制造业结构相似系数", lang),
        )
    )
    s.table(
        structure_service.label_pairs(store, near, lang).head(12),
        floatfmt="{:,.4f}",
        unit=("S 0–1 (1 = identical structures)", "S 0–1（1 为结构完全相同）"),
    )
    trend = structure_service.similarity_over_time(store)
    over = structure_service.specialisation_over_time(store).set_index("year")
    t = trend.trend.join(over[["mean_K", "FI"]]).reset_index()
    y0, y1 = int(t["year"].iloc[0]), int(t["year"].iloc[-1])
    peak = t.loc[t["mean_S"].idxmax()]
    s.text(
        f"在三次产业地区生产总值面板（第一、二、三产业增加值）上，平均相似系数由 {t['mean_S'].iloc[0]:.4f}"
        f"（{y0}年）升至 {peak.mean_S:.4f}（{int(peak.year)}年），{y1}年为 {t['mean_S'].iloc[-1]:.4f}；"
        f"S ≥ {trend.threshold:g} 的省对：{int(t['near_duplicates'].iloc[0])} → "
        f"{int(t['near_duplicates'].iloc[-1])}（共 {int(t['pairs'].iloc[0])} 对）。三次产业划分较粗，"
        "几乎所有省对都在 0.9 以上，水平意义有限，应看趋势。"
        if zh
        else "On the three-sector GRP panel (primary, secondary, tertiary value added) the mean "
        "similarity went "
        f"from {t['mean_S'].iloc[0]:.4f} ({y0}) to {peak.mean_S:.4f} ({int(peak.year)}) and "
        f"{t['mean_S'].iloc[-1]:.4f} ({y1}); pairs at S ≥ {trend.threshold:g}: "
        f"{int(t['near_duplicates'].iloc[0])} → {int(t['near_duplicates'].iloc[-1])} of "
        f"{int(t['pairs'].iloc[0])}. Three sectors are coarse: almost every pair is above 0.9, so the "
        "level says little and the trend is what to read."
    )
    s.table(
        t[["year", "mean_S", "median_S", "min_S", "near_duplicates", "mean_K", "FI"]],
        floatfmt="{:,.4f}",
        unit=("S 0–1; K 0–2; FI 0–1; pairs: count", "S 0–1；K 0–2；FI 0–1；省对：对"),
    )
    _run_notes(s, trend.notes[1:])  # the data's caveats (the first note names the panel)
    k, fi = structure_service.specialisation(store)
    spec = structure_service.specialisation_frame(store, k, fi, lang)
    s.text(
        "各省制造业相对全国其余地区的 Krugman 专业化指数 K_i（0 为完全相同，2 为完全不同）与樊氏专业化系数 "
        f"FI_i；31个省份（按规模加权）的地区分工指数 FI = {fi.FI:.4f}。专业化程度最高与最低的省份："
        if zh
        else "Krugman specialisation index K_i of each province's manufacturing against the rest of "
        "the country "
        f"(0 identical, 2 disjoint) and Fan's specialisation coefficient FI_i; the division-of-labour index "
        f"of the 31 provinces (size-weighted) is FI = {fi.FI:.4f}. Most and least specialised:"
    )
    s.table(
        pd.concat([spec.head(5), spec.tail(5)]),
        floatfmt="{:,.4f}",
        unit=("K 0–2; FI_i 0–1; weight: share of national output", "K 0–2；FI_i 0–1；权重：占全国产出比重"),
    )
    dig = structure_service.digital_by_industry(store)
    shown = dig[dig["region_code"].isin(["CN", "110000", "310000", "330000", "440000", "520000"])]
    shown = structure_service.label_regions(store, shown, lang)
    s.text(
        "分三次产业的数字投入强度：数字部门（20 电子与计算机，31 信息服务）投入占各产业中间投入的比重，"
        "以及单位产出的数字投入（不含数字部门自身）；省份取自2017年省级表，全国取自2017与2020年全国表"
        "（国内与进口使用）。信通院一列为其数字经济渗透率（增加值口径，定义不同）：应比较三次产业的排序，"
        "而非水平。"
        if zh
        else "Digital input intensity by industry: the digital sectors' (20 electronics and computers, 31 "
        "information services) share of each industry's intermediate input, and per unit of output, "
        "the digital sectors themselves left out; provinces from the 2017 provincial tables, the nation "
        "from the 2017 and 2020 national tables (domestic + imported use). The CAICT column is its "
        "digital-economy penetration (a value-added share, another definition): compare the ordering of "
        "the three industries, not the levels."
    )
    pct = ["share_intermediate", "per_output", "caict_penetration"]
    table = shown[["region_code", "name", "year", "industry", *pct]].copy()
    table[pct] = 100 * table[pct]
    s.table(table.rename(columns={c: f"{c} (%)" for c in pct}), floatfmt="{:,.2f}", unit=("%", "%"))
    return s.code(sim.lineage.footer()[:400])


_AUDIT_TITLES = {
    "digital": ("digital economy", "数字经济"),
    "real": ("real economy", "实体经济"),
    "nqpf": ("new quality productive forces", "新质生产力"),
}


_CONTRIB_ZH = {
    "arithmetic": "w_j·x'_ij（权重 × 标准化值，合计为得分）",
    "geometric": "w_j·ln x'_ij（合计为得分的对数）",
    "topsis": "w_j·x'_ij（TOPSIS 加权矩阵；贴近度不是其合计）",
}
_MODEL_ZH = {"conventional": "传统", "corrected": "修正"}

_FLAGS_ZH = {
    "negative": "负相关",
    "collinear": "共线",
    "negative with its dimension": "与所属维度负相关",
    "negative with the index": "与总指数负相关",
}


def _section_audit(store: Store, lang: str, role: str) -> Section:
    """How one index of the stored run was built: its stored audit (nothing recomputed)."""
    zh = lang == "zh"
    en, zh_name = _AUDIT_TITLES[role]
    s = Section.of(lang, f"How the {en} index is built", f"{zh_name}指数的构建与审计")
    run = newest_or_new_run(store)
    if role not in run.audits:
        return s.note(
            "所存的宏观分析没有该指数的审计（旧版本的运行）：请重新运行 ibrain macro run。"
            if zh
            else "The stored macro run has no audit of this index (a run of an older version): "
            "run 'ibrain macro run' again."
        )
    _, a = run_audit(run.audits, role)
    cjk = cjk_font()
    names = run.regions["name_zh" if zh and cjk else "name_en"].to_dict()
    t = audit_tables(a, None, lang, names)
    y = int(t["contributions"]["year"].iloc[0])
    pca, alpha, flags = t["pca"].set_index("block"), t["alpha"].set_index("block"), t["flags"]
    sysobj = a.system
    label = {d.code: (d.name_zh if zh else d.name_en) or d.code for d in sysobj.dimensions}
    label.update({i.code: (i.name_zh if zh else i.name_en) or i.code for i in sysobj.indicators})
    label["index"] = "总指数" if zh else "index"
    alphas = ", ".join(
        f"{label[d]} {alpha.loc[d, 'alpha']:.2f}" for d in sysobj.structure if alpha.loc[d, "k"] > 1
    )
    share, n1 = pca.loc["index", "pc1_share"], int(pca.loc["index", "n_eig_gt1"])
    if zh:
        s.text(
            f"{sysobj.name_zh or sysobj.code}（{sysobj.code}）：{len(sysobj.indicators)} 项指标、"
            f"{len(sysobj.dimensions)} 个维度；{zh_value(a.normalization)}（混合参照），"
            f"{zh_value(a.weighting)}，{zh_value(a.aggregation)}聚合。"
            f"指标贡献 = {_CONTRIB_ZH.get(a.aggregation, a.contribution_kind)}。"
            f"{y} 年全部指标的第一主成分解释 "
            f"{share:.0%} 的方差（特征值大于 1 的主成分 {n1} 个）；各维度 Cronbach α：{alphas}。"
        )
    else:
        s.text(
            f"{sysobj.name_en} ({sysobj.code}): {len(sysobj.indicators)} indicators in "
            f"{len(sysobj.dimensions)} dimensions; {a.normalization} normalisation (pooled), {a.weighting} "
            f"weights, {a.aggregation} aggregation. Contribution of an indicator = {a.contribution_kind}. "
            f"In {y}, the first principal component of all indicators carries {share:.0%} of their "
            f"variance ({n1} component(s) with eigenvalue > 1); Cronbach's alpha by dimension: {alphas}."
        )
    w = t["indicators"]
    wcols = [c for c in w.columns if str(c).startswith("w:")]
    table = w[["indicator"]].assign(
        indicator=[label[c] for c in w["indicator"]],
        dimension=[label[sysobj.dimension_of[c]] for c in w["indicator"]],
    )
    table = table.assign(unit=w["unit" if "unit" in w else "单位"], **{c: w[c] * 100 for c in wcols})
    if zh:
        table = table.assign(unit=[unit_label(str(u), "zh") for u in table["unit"]])
    s.note(
        "各指标在各客观赋权方法下的权重（%，“基准”为指数自身所用；每列合计 100）："
        if zh
        else "Weights (%) of each indicator under each objective method (nominal = the index's own); "
        "each column sums to 100:"
    )
    s.table(
        table, floatfmt="{:,.1f}", unit=("weights: % (each column sums to 100)", "权重：%（每列合计 100）")
    )
    contrib = t["contributions"].assign(indicator=lambda d: [label.get(c, c) for c in d["indicator"]])
    s.figure(
        contribution_bars(
            contrib,
            top=10,
            title=chart_label(f"Contributions to the index, top 10, {y}", f"{y}年前10省份的指标贡献", lang),
            lang=lang if cjk else "en",
        )
    )
    if len(t["rank_intervals"]):
        s.figure(
            rank_interval_chart(
                t["rank_intervals"],
                title=chart_label(
                    f"Rank intervals over {a.draws} Monte Carlo draws, {y}",
                    f"{y}年蒙特卡洛排名区间（{a.draws}次）",
                    lang,
                ),
                lang=lang if cjk else "en",
            )
        )
        wide = t["rank_intervals"].head(5)
        text_names = _names(run, lang)  # text needs no font
        ri = "; ".join(
            f"{text_names.get(r.region_code, r.region_code)} {r.p05:.0f}–{r.p95:.0f} "
            f"({'基准' if zh else 'nominal'} {r.nominal:.0f})"
            for r in wide.itertuples()
        )
        s.note(
            f"在不同标准化、赋权和聚合方法下（{a.draws} 次固定种子抽样），{y} 年 5%–95% "
            f"排名区间最宽的省份：{ri}。"
            if zh
            else f"Alternative normalisation, weighting and aggregation ({a.draws} seeded draws): widest "
            f"5–95 % rank intervals in {y}: {ri}."
        )
    s.note(
        f"{y} 年各维度的主成分与 Cronbach α（31 个省份）："
        if zh
        else f"Principal components and Cronbach's alpha per dimension, {y} (31 provinces):"
    )
    checks = pca.join(alpha[["alpha"]]).reset_index().assign(block=lambda d: [label[b] for b in d["block"]])
    s.table(
        checks,
        floatfmt="{:,.3f}",
        unit=("variance share 0–1; alpha ≤ 1; counts", "方差占比 0–1；α ≤ 1；个数"),
    )
    if len(flags):
        s.note(
            f"{y} 年维度内的相关性标记（负相关；|r| > {a.collinear} 为共线；"
            "与所属维度或总指数负相关的指标）："
            if zh
            else f"Correlation flags within dimensions, {y} (negative pairs; |r| > {a.collinear} collinear; "
            "indicators correlating negatively with their dimension or the index):"
        )
        shown = flags.assign(**{c: flags[c].map(label) for c in ("dimension", "a", "b")})
        if zh:
            shown = shown.assign(flag=shown["flag"].map(_FLAGS_ZH)).rename(
                columns={"flag": "标记", "dimension": "维度", "a": "指标", "b": "对象"}
            )
        s.table(shown, floatfmt="{:,.3f}", unit=("correlation r −1 to 1", "相关系数 r：−1 至 1"))
    _run_notes(s, a.notes[:4])
    return s.code(a.lineage.footer()[:400])


def section_macro_audit_digital(store: Store, lang: str) -> Section:
    """The audit of the digital-economy index of the stored run."""
    return _section_audit(store, lang, "digital")


def section_macro_audit_real(store: Store, lang: str) -> Section:
    """The audit of the real-economy index of the stored run."""
    return _section_audit(store, lang, "real")


def section_macro_audit_nqpf(store: Store, lang: str) -> Section:
    """The audit of the new-quality-productive-forces index of the stored run."""
    return _section_audit(store, lang, "nqpf")


#: Sections in report order, for report/demo.py.
SECTIONS_MACRO = [
    section_macro_indices,
    section_macro_dagum,
    section_macro_moran,
    section_macro_kde,
    section_macro_map,
    section_macro_structure,
    section_macro_audit_digital,
    section_macro_audit_real,
    section_macro_audit_nqpf,
]
