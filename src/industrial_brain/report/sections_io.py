"""Demo-report sections of the input–output engine (``fn(store, lang) -> Section``).

Order for ``report/demo.py``: :func:`section_io_key_sectors`, :func:`section_io_chokepoints`,
:func:`section_io_digital`, :func:`section_io_mrio`.
"""

from __future__ import annotations

import pandas as pd

from industrial_brain._shared.i18n import in_100m_cny, money_scale
from industrial_brain.report.html import Section, chart_label
from industrial_brain.services.io import (
    NATIONAL_42,
    chain,
    chokepoint_users,
    chokepoints_frame,
    import_chokepoints,
    digital_national,
    digital_spillover,
    mrio,
    mrio_summary,
    national_comparison,
    save_mrio,
    sector_names,
    structural_hubs_frame,
    table_key_sectors,
    table_multipliers,
)
from industrial_brain.store.connection import Store
from industrial_brain.viz.fonts import cjk_font
from industrial_brain.viz.io import digital_intensity_chart, linkage_scatter

__all__ = [
    "section_io_key_sectors",
    "section_io_chokepoints",
    "section_io_digital",
    "section_io_mrio",
    "SECTIONS",
]

TABLE_2020 = "cn_nbs_io_2020_42"
TABLE_2020_153 = "cn_nbs_io_2020_153"


def section_io_key_sectors(store: Store, lang: str) -> Section:
    """Key sectors of the 2020 national table (domestic block) and the linkage scatter plot."""
    s = Section.of(lang, "Key sectors, 2020 national table", "关键部门（2020年全国表）")
    ks = table_key_sectors(store, TABLE_2020)
    mult = table_multipliers(store, TABLE_2020).table
    names = sector_names(store, TABLE_2020, lang)
    t = ks.table.copy()
    t.insert(0, "name", names.reindex(t.index).to_numpy())
    t["output_multiplier"] = mult["output"]
    s.text(
        s.t(
            "Rasmussen–Hirschman backward linkage (power of dispersion) against forward linkage "
            "(sensitivity of dispersion, Ghosh-based) of the domestic block of the 2020 NBS "
            "non-competitive table; key sectors have both above 1.",
            "2020年国家统计局非竞争型投入产出表国内部分的 Rasmussen–Hirschman 影响力系数（后向关联）"
            "与感应度系数（前向关联，基于 Ghosh 模型）；两者均大于1的为关键部门。",
        )
    )
    s.figure(
        linkage_scatter(
            t,
            title=chart_label(
                "Backward vs forward linkages, China 2020 (domestic)",
                "影响力系数与感应度系数（2020年，国内）",
                lang,
            ),
            lang=lang if cjk_font() else "en",
        )
    )
    key = t[t["quadrant"] == "key"].sort_values("backward", ascending=False)
    s.text(s.t(f"{len(key)} key sectors:", f"关键部门 {len(key)} 个："))
    s.table(
        key.reset_index()[["sector", "name", "backward", "forward", "output_multiplier"]],
        unit=(
            "dimensionless (linkage indices relative to the mean 1; multiplier per unit of final demand)",
            "无量纲（关联系数以均值1为基准；乘数为单位最终需求的产出）",
        ),
    )
    return s


def section_io_chokepoints(store: Store, lang: str) -> Section:
    """Chokepoints (卡脖子) of the 2020 153-sector table: import share × output at risk; the structural hubs
    of the 42-sector chain graph beside them."""
    s = Section.of(lang, "Chokepoints of the industrial chain, 2020", "产业链卡脖子环节（2020）")
    res = import_chokepoints(store, TABLE_2020_153)
    zh = lang == "zh"
    s.text(
        "卡脖子环节：依赖境外供给的关键投入。2020年全国153部门投入产出表（竞争型进口）中，每种产品的"
        "进口占总供给（总产出＋进口）比重，乘以其进口中间使用一旦中断、经国内表Ghosh供给模型向下游传导"
        "所影响的产出占全国总产出的比重（风险产出）；用途集中度为中间使用的HHI。"
        if zh
        else "Chokepoints: critical inputs that depend on foreign supply. For every product of the "
        "2020 national 153-sector table (competitive imports): the import share of its supply (output + "
        "imports) times the domestic output at risk if its imported intermediate use were lost, carried "
        "downstream by the supply-driven (Ghosh) model of the domestic table, as a share of total output. "
        "The concentration of use is the HHI of its intermediate use across using sectors."
    )
    f = chokepoints_frame(res, 15, lang=lang)
    cols = [
        "sector",
        "name",
        "imports",
        "import_share",
        "output_at_risk",
        "output_at_risk_share",
        "output_at_risk_per_unit",
        "use_hhi",
        "score",
    ]
    k, money = money_scale(res.unit, lang)
    f = f.assign(imports=f["imports"] * k, output_at_risk=f["output_at_risk"] * k)
    shares = ("import share, output-at-risk share: share of 1", "进口比重、风险产出比重：比值（1为全部）")
    s.table(
        f[cols],
        unit=(f"imports, output at risk: {money}; {shares[0]}", f"进口、风险产出：{money}；{shares[1]}"),
    )
    first = f["sector"].iloc[0]
    chips = "094"
    rank = int(res.table.loc[chips, "rank"]) if chips in res.table.index else None
    if rank is not None:
        u = chokepoint_users(res, chips, top=5, lang=lang)
        s.text(
            f"电子元器件（含集成电路，部门094）排名第{rank}，"
            f"进口占总供给的{res.table.loc[chips, 'import_share']:.1%}；其风险产出按使用部门："
            if zh
            else f"Electronic components incl. integrated circuits (094) rank {rank}, with "
            f"{res.table.loc[chips, 'import_share']:.1%} of supply imported; output at risk by using sector:"
        )
        u = u.assign(imported_use=u["imported_use"] * k, output_at_risk=u["output_at_risk"] * k)
        s.table(
            u[["user", "name", "imported_use", "ghosh_multiplier", "output_at_risk", "share_of_product"]],
            unit=(f"imported use, output at risk: {money}", f"进口中间使用、风险产出：{money}"),
        )
    s.text(f"首位：{first}。" if zh else f"First: {first}.")
    g = chain(store, TABLE_2020, rule="important", lang=lang)
    s.text(
        f"结构枢纽部门（非卡脖子）：42部门国内系数链网络（重要系数规则，容许限 ≤ {g.threshold:g} %）"
        "中按假设抽取损失与介数中心性平均排名的部门。"
        if zh
        else f"Structural hubs (not chokepoints): sectors of the 42-sector domestic chain graph "
        f"(important-coefficients rule, tolerable limit ≤ {g.threshold:g} %; {g.graph.number_of_nodes()} "
        f"sectors, {g.graph.number_of_edges()} links) ranked by the mean of their ranks by hypothetical-"
        "extraction loss and by betweenness."
    )
    hubs = structural_hubs_frame(g, 8)
    s.table(
        hubs[
            ["sector", "name", "share_total", "betweenness", "rank_extraction", "rank_betweenness", "score"]
        ],
        unit=("share of total output; betweenness 0–1; ranks", "占总产出比重；介数 0–1；排名"),
    )
    return s


def section_io_digital(store: Store, lang: str) -> Section:
    """Digital input intensity by sector, national tables 2017/2018/2020."""
    s = Section.of(lang, "Digital input intensity by sector", "产业数字投入强度（2017/2018/2020）")
    res = digital_national(store, table_ids=NATIONAL_42, lang=lang)
    years = {tid.split("_")[3]: r for tid, r in res.items()}
    s.text(
        s.t(
            "Direct and total (Leontief) input coefficients of the digital-economy core sectors (20 "
            "communication equipment, computers and electronics; 31 information transmission, software and "
            "IT services), domestic plus imported inputs, per unit of each sector's output. Economy-wide = "
            "output-weighted mean over the non-digital sectors.",
            "数字经济核心部门（20 通信设备、计算机和其他电子设备；31 信息传输、软件和信息技术服务）"
            "对各部门的直接消耗系数与完全消耗系数（Leontief），含国内与进口投入，按各部门单位产出计。"
            "全经济 = 非数字部门按产出加权的平均。",
        )
    )
    eco = pd.DataFrame(
        {
            "year": list(years),
            "direct": [r.direct_economy for r in years.values()],
            "total": [r.total_economy for r in years.values()],
        }
    )
    coef = ("input per unit of output (CNY per CNY)", "单位产出的投入（元/元）")
    s.table(eco.assign(year=eco["year"].astype(int)), floatfmt="{:.5f}", unit=coef)
    tot = {y: r.table.loc[~r.table["is_digital"], "total"] for y, r in years.items()}
    s.figure(
        digital_intensity_chart(
            tot,
            title=chart_label("Total digital input coefficient by sector", "各部门完全数字投入系数", lang),
            lang=lang if cjk_font() else "en",
        )
    )
    last = list(years)[-1]
    first = list(years)[0]
    t = pd.DataFrame(
        {
            "name": years[last].table["name"],
            **{f"direct_{y}": r.table["direct"] for y, r in years.items()},
            **{f"total_{y}": r.table["total"] for y, r in years.items()},
        }
    )
    t["change_total"] = t[f"total_{last}"] - t[f"total_{first}"]
    s.text(
        s.t(
            "By sector (digital sectors included; their own coefficients are intra-digital inputs):",
            "分部门（含数字部门，其系数为数字部门内部投入）：",
        )
    )
    s.table(t.reset_index(), max_rows=42, floatfmt="{:.4f}", unit=coef)
    return s


def section_io_mrio(store: Store, lang: str) -> Section:
    """Summary of the constructed 31-province MRIO of 2017."""
    s = Section.of(lang, "Multi-regional table, 31 provinces 2017", "多区域投入产出表（31省，2017）")
    res = mrio(store)
    f, acc = mrio_summary(store, res)
    comp = national_comparison(store, res)
    c = res.checks
    zh = lang == "zh"
    s.text(
        "由31个省级投入产出表按Chenery–Moses贸易系数构建，以省会间距离的引力模型为先验，RAS平衡到"
        "调和后的调出与调入（docs/meso-mrio.md）。"
        if zh
        else "Constructed from the 31 provincial tables by Chenery–Moses trade coefficients with a gravity "
        "prior (distances between provincial capitals) balanced by RAS to reconciled outflows and inflows "
        "(docs/meso-mrio.md)."
    )
    dev_output = max(c["max_rel_dev_output_row"], c["max_rel_dev_output_column"])
    smallest = min(c["min_intermediate_flow"], c["min_trade_flow"])
    trade = [
        c[k] / 1e8
        for k in ("interprovincial_trade", "published_outflows", "published_inflows", "transit_removed")
    ]
    s.text(
        f"最大相对偏差：总产出 {dev_output:.1e}，调出 {c['max_rel_dev_outflows']:.1e}，调入 "
        f"{c['max_rel_dev_inflows']:.1e}；最小流量 {smallest:,.3g}。省际贸易 {trade[0]:.2f} 万亿元（省表调出 "
        f"{trade[1]:.2f}、调入 {trade[2]:.2f}；剔除转口 {trade[3]:.2f}）。"
        if zh
        else f"Largest relative deviations: gross output {dev_output:.1e}, "
        f"outflows {c['max_rel_dev_outflows']:.1e}, inflows {c['max_rel_dev_inflows']:.1e}; smallest flow "
        f"{smallest:,.3g}. Interprovincial trade {trade[0]:.2f} trillion CNY (published outflows "
        f"{trade[1]:.2f}, inflows {trade[2]:.2f}; transit removed {trade[3]:.2f})."
    )
    s.text(
        f"与2017年全国表比较：总产出之比 {comp['output_ratio']:.3f}；42×42 国内直接消耗系数的相关系数 "
        f"{comp['A_correlation']:.3f}，按产出加权的平均绝对偏差 {comp['A_weighted_abs_dev']:.4f}；"
        "产出乘数为全国的 "
        f"{comp['multiplier_ratio_min']:.2f}–{comp['multiplier_ratio_max']:.2f} 倍。"
        if zh
        else "Against the 2017 national table: total output ratio "
        f"{comp['output_ratio']:.3f}; correlation of the 42 × 42 domestic coefficients "
        f"{comp['A_correlation']:.3f}, output-weighted mean absolute "
        f"deviation {comp['A_weighted_abs_dev']:.4f}; output multipliers "
        f"{comp['multiplier_ratio_min']:.2f}–{comp['multiplier_ratio_max']:.2f} × national."
    )
    name = "name_zh" if zh else "name_en"
    per = in_100m_cny(1.0, res.table.unit or "10^4 CNY")
    money = {  # column → (English, Chinese) headers; amounts in 亿元
        "x": ("gross output", "总产出"),
        "OF": ("outflows, published", "调出（省表）"),
        "IF": ("inflows, published", "调入（省表）"),
        "outflows": ("outflows, MRIO", "调出（多区域表）"),
        "inflows": ("inflows, MRIO", "调入（多区域表）"),
        "value_added": ("value added", "增加值"),
        "for_other_regions": ("value added for other provinces' demand", "外省需求拉动的增加值"),
    }
    unit = "亿元" if zh else "100 million CNY"
    t = f.reset_index()[["region", name]].rename(
        columns={"region": "代码" if zh else "code", name: "省份" if zh else "province"}
    )
    for c, (en, cn) in money.items():
        t[f"{cn}（{unit}）" if zh else f"{en} ({unit})"] = f[c].to_numpy() * per
    t["区内乘数" if zh else "intra-regional multiplier"] = f["intra_multiplier"].to_numpy()
    t["溢出乘数" if zh else "spillover multiplier"] = f["spillover_multiplier"].to_numpy()
    s.table(
        t, max_rows=31, floatfmt="{:,.2f}", unit=(f"{unit}; multipliers dimensionless", f"{unit}；乘数无量纲")
    )
    sp = digital_spillover(store)
    share = sp.drop_duplicates("demand").set_index("demand")["spillover_share"].sort_values(ascending=False)
    names = f["name_zh" if zh else "name_en"]
    top = "、".join if zh else ", ".join
    s.text(
        (
            "各省对数字产品（部门20、31）的最终需求所拉动的产出中由外省生产的比重（最高五省）："
            if zh
            else "Share of the output induced by each province's final demand for digital products "
            "(sectors 20, 31) that is produced in other provinces (highest five): "
        )
        + top(f"{names.get(k, k)} {v:.0%}" for k, v in share.head(5).items())
    )
    if not getattr(store, "read_only", True):
        run_id = save_mrio(store, res)
        s.note(
            f"省际贸易流量、调和目标与检验结果已存为分析运行 {run_id}。"
            if zh
            else "The interprovincial trade flows, reconciled targets and checks are stored as analysis run "
            f"{run_id}."
        )
    return s


#: Sections in report order.
SECTIONS = [section_io_key_sectors, section_io_chokepoints, section_io_digital, section_io_mrio]
