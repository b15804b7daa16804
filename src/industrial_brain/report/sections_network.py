"""The demo report's firm-network section: a SYNTHETIC network drawn from the embedded MRIO is stored
(:func:`industrial_brain.services.network.store_demo_network`) and Guangdong's electronics chain is
mapped from it: its links against the national structure, gaps, candidate suppliers and the leaders."""

from __future__ import annotations

from industrial_brain.report.html import Section
from industrial_brain.services import network as network_service
from industrial_brain.store.connection import Store

REGION = "440000"  # Guangdong: the largest electronics province


#: Position and status values of the links table in the Chinese report.
VALUES_ZH = {
    "upstream": "上游",
    "downstream": "下游",
    "core": "核心",
    "missing": "缺失",
    "weak": "薄弱",
    "strong": "较强",
}


def section_network(store: Store, lang: str) -> Section:
    """Guangdong's electronics chain on the SYNTHETIC firm network: links, gaps, targets, leaders."""
    zh = lang == "zh"
    s = Section(
        "企业网络：广东电子信息产业链（合成数据）"
        if zh
        else "Firm network: Guangdong's electronics chain (SYNTHETIC)",
        lang=lang,
    )
    stored = network_service.store_demo_network(store)
    if stored:
        s.text(
            "已存入一个合成企业网络：名为“合成企业…”的企业按 2017 年多区域投入产出表的产出比例生成，"
            "交易按其区域间流量比例抽取（并非真实企业）。"
            if zh
            else "A SYNTHETIC network was stored: firms named 合成企业… drawn in proportion to the "
            "2017 MRIO's output, transactions in proportion to its interregional flows (not real firms)."
        )
    else:
        s.text(
            "使用库中已有的企业与交易（未添加合成网络）。"
            if zh
            else "The firms and transactions already in the store are used (no synthetic network added)."
        )
    s.text(
        "链核心为 20 部门（通信设备、计算机和其他电子设备）；各环节与 2017 年全国结构比较。"
        if zh
        else "Core sector 20 (communication equipment, computers); links against the national 2017 structure."
    )
    money = ("CNY; coverage and coefficients as fractions", "元；满足率与系数为比值")
    gaps = network_service.gaps(store, REGION, chain="electronics")
    links = gaps.to_frame(lang).reset_index()
    if zh:  # positions and statuses are codes in the engine's frame: words in the Chinese report
        links = links.replace(VALUES_ZH)
    s.table(links, unit=money)
    cand = gaps.to_frame(lang, level="candidates").reset_index()
    if zh:  # positions are codes in the engine's frame (its reasons are already in Chinese)
        cand = cand.replace(VALUES_ZH)
    if len(cand):
        s.note(
            "缺口环节的候选供应商（精准招商），按得分排序："
            if zh
            else "Candidate suppliers for the gaps (精准招商), best first:"
        )
        s.table(
            cand,
            max_rows=10,
            unit=("output CNY, distance km, score 0–100", "产出：元；距离：公里；得分 0–100"),
        )
    lead = network_service.leaders(store)
    top = network_service.with_firm_names(store, lead.table.reset_index()).head(10)
    s.note(
        "整个网络的链主企业（停产时的风险产出）："
        if zh
        else "Chain leaders of the whole network (output at risk if the firm stops):"
    )
    cols = ["uscc", "name", "region_code", "sector_code", "output_at_risk", "output_at_risk_share"]
    return s.table(
        network_service.relabel(top[cols], lang), unit=("CNY; share as a fraction", "元；占比为比值")
    )
