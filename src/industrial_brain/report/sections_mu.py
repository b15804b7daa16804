"""Report section of the per-mu evaluation (亩均效益综合评价) over the SYNTHETIC demo accounts.

:func:`section_per_mu` stores, once, the demo population's firm register and SYNTHETIC accounts and
a Linhai-rule evaluation run (:func:`industrial_brain.services.mu_board.ensure_demo_accounts`), so
that a fresh ``make run`` serves the enterprise board, then shows the suppressed county roll-up.
"""

from __future__ import annotations

from industrial_brain.report.html import Section
from industrial_brain.services.assess import ensure_demo_population
from industrial_brain.services.mu_board import class_rollup, ensure_demo_accounts
from industrial_brain.store.connection import Store

__all__ = ["section_per_mu"]


#: Shipped rule sets by their Chinese names.
RULES_ZH = {
    "linhai": "临海市亩均效益评价规则",
    "zhejiang_2018": "浙江省亩均效益评价规则（浙政发〔2018〕5号）",
}
#: The roll-up's column names in the Chinese report.
ROLLUP_ZH = {
    "county": "区县",
    "n_firms": "企业数",
    "mean_score": "平均得分",
    "share_A": "A 类占比",
    "share_B": "B 类占比",
    "share_C": "C 类占比",
    "share_D": "D 类占比",
    "tax_per_mu": "亩均税收",
    "va_per_mu": "亩均增加值",
}


def section_per_mu(store: Store, lang: str) -> Section:
    """County class shares and per-mu tax of the SYNTHETIC demo accounts (suppressed cells blank)."""
    zh = lang == "zh"
    s = Section(
        "亩均效益综合评价（合成数据）" if zh else "Per-mu efficiency evaluation (SYNTHETIC)", lang=lang
    )
    ensure_demo_population(store)
    ensure_demo_accounts(store)
    t, meta = class_rollup(store, by="county")
    s.text(
        f"演示企业的合成年度账目（并非真实企业），按{RULES_ZH.get(meta['rules'], meta['rules'])}评价"
        f"（运行 {meta['run_id']}）。"
        "各部门增加值率与税率取自国家统计局 2017 年投入产出表；亩均水平未按公布的亩均数据校准。"
        if zh
        else f"SYNTHETIC annual accounts (not real firms) of the demo population, scored with rule "
        f"{meta['rules']} (run {meta['run_id']}). Value-added and tax rates by sector follow the NBS 2017 "
        "input–output table; per-mu levels are not calibrated to published per-mu figures."
    )
    latest = t[t["year"] == t["year"].max()] if len(t) else t
    if zh:
        latest = latest.rename(columns=ROLLUP_ZH)
        flags = latest.select_dtypes(include="bool").columns  # the suppression flag: 是 / 否
        latest = latest.assign(**{c: latest[c].map({True: "是", False: "否"}) for c in flags})
    s.table(
        latest,
        floatfmt="{:,.3g}",
        unit=(
            "tax and value added 10^4 CNY per mu; shares as fractions",
            "税收与增加值：万元/亩；占比为比值",
        ),
    )
    s.note(
        f"少于 {meta['k']} 家企业、或两家企业缴税超过 85% 的单元格不予显示；"
        "某年仅一个单元格被隐藏时再隐藏一个补充单元格。"
        if zh
        else f"Cells of fewer than {meta['k']} firms, or where two firms pay over 85 % of the tax, are "
        "suppressed, with one complementary cell per year when only one is."
    )
    return s
