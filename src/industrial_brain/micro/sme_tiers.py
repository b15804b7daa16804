"""Tiered cultivation of quality SMEs (优质中小企业梯度培育).

The ladder: 创新型中小企业 → 专精特新中小企业 → 专精特新"小巨人"企业.

Three rule sets, each check explained per firm (value, threshold, pass/fail, margin = value − threshold):

1. **Innovative SME (创新型中小企业), points system.** Six indicators in three groups, 100 points:
   innovation ability (40): IP related to the main product (20: Ⅰ类高价值 20, 自主研发Ⅰ类 15, Ⅰ类 10,
   Ⅱ类 5, none 0) and R&D share of revenue last year (20: ≥5 % 20, 3–5 % 15, 2–3 % 10, 1–2 % 5,
   <1 % 0); growth (30): main-business revenue growth (20: ≥15 % 20, 10–15 % 15, 5–10 % 10,
   0–5 % 5, <0 0) and debt ratio (10: ≤55 % 10, 55–75 % 5, >75 % 0); specialisation (30): main
   product in the strategic emerging industries catalogue (10, else 5) and main-business share of
   revenue (20: ≥70 % 20, 60–70 % 15, 55–60 % 10, 50–55 % 5, <50 % 0). Qualifies with 60 points or
   more of which innovation ≥ 20, growth ≥ 15 and specialisation ≥ 15, or by a direct route (new
   equity financing ≥ 500 万元 in three years; awards, high-tech status or a recognised R&D
   institution, given as the flag ``innovative_direct``).
2. **专精特新 SME**, all four: (一) in its niche market 2 years or more; (二) R&D last year ≥ 100 万元
   and ≥ 3 % of revenue; (三) revenue ≥ 1,000 万元, or new equity financing ≥ 2,000 万元 in two years;
   (四) the 专精特新 evaluation (13 indicators, given as ``zjtx_points``) ≥ 60, or average R&D of
   two years ≥ 1,000 万元, or new equity financing ≥ 6,000 万元 in two years, or an award route
   (flag ``zjtx_direct``).
3. **专精特新"小巨人"**: specialisation (niche ≥ 3 years, main-business share ≥ 70 %, average
   main-business growth of two years ≥ 5 %); innovation (revenue ≥ 1 亿元: R&D share ≥ 3 % in both
   years; 5,000 万–1 亿元: ≥ 6 % in both; below 5,000 万元: equity financing ≥ 8,000 万元 in two
   years, R&D of two years ≥ 3,000 万元 and R&D staff ≥ 50 %; or the direct route, flag
   ``giant_direct``); an R&D institution; two or more Ⅰ类 IP items.

Each tier presupposes the one below (the measures admit 专精特新 SMEs from innovative SMEs and
"小巨人" from 专精特新 SMEs), so a firm's ``tier`` is the highest rung of an unbroken ladder.

Simplifications (said here once): the "小巨人" refinement (精细化), chain-support (产业链配套) and
main-product (主导产品) conditions are qualitative and not checked; the 13-indicator 专精特新
evaluation is taken as a given score; band edges read "以上/以下" as including the number (as in
the Civil Code, art. 1259) and "3 %–5 %" as 3 % ≤ x < 5 %; average growth of two years is the
arithmetic mean of the two yearly rates. Money is in 万元, shares as fractions (0.03 = 3 %).

References
----------
工业和信息化部《优质中小企业梯度培育管理暂行办法》(工信部企业〔2022〕63号, 2022-06-01), annexes 1–3:
创新型中小企业评价标准, 专精特新中小企业认定标准, 专精特新"小巨人"企业认定标准.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from industrial_brain._shared.i18n import check_lang
from industrial_brain._shared.results import ResultMixin
from industrial_brain.errors import InputError
from industrial_brain.lineage import Lineage

__all__ = ["TIERS", "SME_COLUMNS", "band_points", "innovative_points", "SmeTierResult", "evaluate_sme_tiers"]

#: The rungs, lowest first.
TIERS: tuple[str, ...] = ("innovative", "specialised", "little_giant")
TIER_ZH = {
    "innovative": "创新型中小企业",
    "specialised": "专精特新中小企业",
    "little_giant": '专精特新"小巨人"企业',
}
#: The firm columns the checks read (beyond ``uscc``); absent columns fail their checks as missing.
SME_COLUMNS: tuple[str, ...] = (
    "revenue_10k_cny",
    "revenue_prev_10k_cny",
    "rd_expenditure_10k_cny",
    "rd_expenditure_prev_10k_cny",
    "main_revenue_10k_cny",
    "main_revenue_prev_10k_cny",
    "main_revenue_prev2_10k_cny",
    "debt_ratio",
    "ip_level",
    "class1_ip_count",
    "strategic_emerging",
    "equity_financing_2y_10k_cny",
    "equity_financing_3y_10k_cny",
    "years_in_niche",
    "rd_staff_share",
    "has_rd_institution",
    "zjtx_points",
    "innovative_direct",
    "zjtx_direct",
    "giant_direct",
)
#: IP points by the highest IP held (创新型中小企业评价标准, indicator 1).
IP_POINTS = {"high_value_class1": 20, "own_class1": 15, "class1": 10, "class2": 5, "none": 0}
#: (lower edges, points) of the banded indicators; a value at an edge takes the higher band.
RD_SHARE_BANDS = ((0.05, 0.03, 0.02, 0.01), (20, 15, 10, 5))
GROWTH_BANDS = ((0.15, 0.10, 0.05, 0.0), (20, 15, 10, 5))
MAIN_SHARE_BANDS = ((0.70, 0.60, 0.55, 0.50), (20, 15, 10, 5))


def band_points(x: np.ndarray, edges: tuple[float, ...], points: tuple[int, ...]) -> np.ndarray:
    """Points of the first band whose lower edge ``x`` reaches (edges falling), 0 below all; NaN stays NaN.

    Examples
    --------
    >>> band_points(np.array([0.05, 0.049, 0.02, 0.005, np.nan]), *RD_SHARE_BANDS)
    array([20., 15., 10.,  0., nan])
    """
    x = np.asarray(x, float)
    out = np.zeros(len(x))
    for e, p in zip(reversed(edges), reversed(points)):
        out = np.where(x >= e - 1e-12, p, out)
    return np.where(np.isnan(x), np.nan, out)


def _col(frame: pd.DataFrame, c: str) -> np.ndarray:
    return frame[c].to_numpy(float) if c in frame else np.full(len(frame), np.nan)


def _flag(frame: pd.DataFrame, c: str) -> np.ndarray:
    return frame[c].fillna(False).astype(bool).to_numpy() if c in frame else np.zeros(len(frame), bool)


def _ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b > 0, a / b, np.nan)


def innovative_points(frame: pd.DataFrame) -> pd.DataFrame:
    """The six indicator points of the innovative-SME evaluation and their group sums.

    Examples
    --------
    >>> f = pd.DataFrame({"ip_level": ["own_class1"], "rd_expenditure_10k_cny": [40.0],
    ...     "revenue_10k_cny": [1000.0], "main_revenue_10k_cny": [900.0],
    ...     "main_revenue_prev_10k_cny": [800.0],
    ...     "debt_ratio": [0.6], "strategic_emerging": [True]})
    >>> innovative_points(f).iloc[0].tolist()
    [15.0, 15.0, 15.0, 5.0, 10.0, 20.0, 30.0, 20.0, 30.0, 80.0]
    """
    ip = (
        frame["ip_level"].map(IP_POINTS).to_numpy(float)
        if "ip_level" in frame
        else np.full(len(frame), np.nan)
    )
    rd = band_points(
        _ratio(_col(frame, "rd_expenditure_10k_cny"), _col(frame, "revenue_10k_cny")), *RD_SHARE_BANDS
    )
    growth = _ratio(_col(frame, "main_revenue_10k_cny"), _col(frame, "main_revenue_prev_10k_cny")) - 1
    gr = band_points(growth, *GROWTH_BANDS)
    debt = _col(frame, "debt_ratio")
    dp = np.where(np.isnan(debt), np.nan, np.where(debt <= 0.55, 10.0, np.where(debt <= 0.75, 5.0, 0.0)))
    se = np.where(_flag(frame, "strategic_emerging"), 10.0, 5.0)
    ms = band_points(
        _ratio(_col(frame, "main_revenue_10k_cny"), _col(frame, "revenue_10k_cny")), *MAIN_SHARE_BANDS
    )
    out = pd.DataFrame(
        {
            "ip": ip,
            "rd_share": rd,
            "main_growth": gr,
            "debt_ratio": dp,
            "strategic_emerging": se,
            "main_share": ms,
        },
        index=frame.index,
    )
    out["innovation"] = out["ip"] + out["rd_share"]
    out["growth"] = out["main_growth"] + out["debt_ratio"]
    out["specialisation"] = out["strategic_emerging"] + out["main_share"]
    out["total"] = out["innovation"] + out["growth"] + out["specialisation"]
    return out


@dataclass(frozen=True)
class SmeTierResult(ResultMixin):
    """Tier checks per firm.

    Attributes
    ----------
    checks : pandas.DataFrame
        ``uscc, tier, condition, label_zh, value, threshold, passed, margin`` — one row per check
        (``margin`` = value − threshold, negative when short; a missing input fails with NaN value).
    tiers : pandas.DataFrame
        ``uscc, innovative, specialised, little_giant, tier`` (the highest rung of an unbroken ladder,
        ``none`` below the first).
    """

    checks: pd.DataFrame
    tiers: pd.DataFrame
    notes: tuple[str, ...] = ()
    lineage: Lineage = field(default_factory=lambda: Lineage.make("micro.evaluate_sme_tiers"))

    title_en = "Tiered cultivation of quality SMEs"
    title_zh = "优质中小企业梯度培育"

    def _summary_items(self, lang: str = "en"):
        for t in TIERS:
            yield (TIER_ZH[t] if lang == "zh" else t, int(self.tiers[t].sum()))

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """The checks table (see the attributes)."""
        check_lang(lang)
        return self.checks


def _at_least(value, threshold):
    value = np.asarray(value, float)
    with np.errstate(invalid="ignore"):
        return (
            value,
            np.asarray(threshold, float),
            (value >= np.asarray(threshold) - 1e-12) & ~np.isnan(value),
        )


def evaluate_sme_tiers(firms: pd.DataFrame) -> SmeTierResult:
    """Check every firm against the three tiers of the 2022 measures (see the module docstring).

    Examples
    --------
    >>> f = pd.DataFrame({"uscc": ["S"], "ip_level": ["class1"], "class1_ip_count": [3],
    ...     "rd_expenditure_10k_cny": [600.0], "rd_expenditure_prev_10k_cny": [400.0],
    ...     "revenue_10k_cny": [8000.0], "revenue_prev_10k_cny": [7000.0], "main_revenue_10k_cny": [7600.0],
    ...     "main_revenue_prev_10k_cny": [6600.0], "main_revenue_prev2_10k_cny": [6000.0],
    ...     "debt_ratio": [0.5], "strategic_emerging": [True], "years_in_niche": [5], "zjtx_points": [72],
    ...     "has_rd_institution": [True]})
    >>> r = evaluate_sme_tiers(f)
    >>> r.tiers.loc[0, "tier"]
    'specialised'
    >>> c = r.checks.set_index("condition").loc["giant_rd_share_both_years"]
    >>> round(float(c["value"]), 4), float(c["threshold"]), bool(c["passed"]), round(float(c["margin"]), 4)
    (0.0571, 0.06, False, -0.0029)
    """
    if "uscc" not in firms:
        raise InputError.at(
            "the firms lack a uscc column", column="uscc", expected="统一社会信用代码 per firm"
        )
    f = firms.reset_index(drop=True)
    n = len(f)
    rows: list[pd.DataFrame] = []

    def add(tier: str, cond: str, zh: str, value, threshold, passed=None) -> np.ndarray:
        v, t, ok = _at_least(value, threshold)
        if passed is not None:
            ok = np.asarray(passed, bool)
        rows.append(
            pd.DataFrame(
                {
                    "uscc": f["uscc"].to_numpy(),
                    "tier": tier,
                    "condition": cond,
                    "label_zh": zh,
                    "value": np.broadcast_to(v, n),
                    "threshold": np.broadcast_to(t, n),
                    "passed": ok,
                    "margin": np.broadcast_to(v - t, n),
                }
            )
        )
        return ok

    pts = innovative_points(f)
    rev, rev_prev = _col(f, "revenue_10k_cny"), _col(f, "revenue_prev_10k_cny")
    rd, rd_prev = _col(f, "rd_expenditure_10k_cny"), _col(f, "rd_expenditure_prev_10k_cny")
    eq2, eq3 = _col(f, "equity_financing_2y_10k_cny"), _col(f, "equity_financing_3y_10k_cny")
    ones = np.ones(n)
    # 1. innovative SME
    scored = add("innovative", "points_total", "评价得分", pts["total"], 60)
    scored &= add("innovative", "points_innovation", "创新能力指标得分", pts["innovation"], 20)
    scored &= add("innovative", "points_growth", "成长性指标得分", pts["growth"], 15)
    scored &= add("innovative", "points_specialisation", "专业化指标得分", pts["specialisation"], 15)
    direct = add("innovative", "direct_equity_3y", "近三年新增股权融资（直通）", eq3, 500)
    flag = _flag(f, "innovative_direct")
    direct |= add("innovative", "direct_other", "科技奖励、高新技术企业等（直通）", flag.astype(float), ones)
    innovative = add("innovative", "qualifies", "创新型中小企业", (scored | direct).astype(float), ones)
    # 2. 专精特新 SME
    c1 = add("specialised", "years_in_niche", "从事特定细分市场年限", _col(f, "years_in_niche"), 2)
    c2 = add("specialised", "rd_amount", "上年度研发费用总额", rd, 100)
    c2 &= add("specialised", "rd_share", "研发费用占营业收入比重", _ratio(rd, rev), 0.03)
    c3 = add("specialised", "revenue", "上年度营业收入总额", rev, 1000)
    c3 |= add("specialised", "equity_2y", "近2年新增股权融资总额", eq2, 2000)
    c4 = add("specialised", "zjtx_points", "专精特新评价得分", _col(f, "zjtx_points"), 60)
    c4 |= add("specialised", "rd_mean_2y", "近两年研发费用总额均值", (rd + rd_prev) / 2, 1000)
    c4 |= add("specialised", "equity_2y_route", "近两年新增股权融资总额（直通）", eq2, 6000)
    c4 |= add(
        "specialised",
        "direct_award",
        "科技奖励、创客中国（直通）",
        _flag(f, "zjtx_direct").astype(float),
        ones,
    )
    specialised = add(
        "specialised", "qualifies", "专精特新中小企业", (innovative & c1 & c2 & c3 & c4).astype(float), ones
    )
    # 3. little giant
    main, main_p, main_p2 = (
        _col(f, c)
        for c in ("main_revenue_10k_cny", "main_revenue_prev_10k_cny", "main_revenue_prev2_10k_cny")
    )
    g1 = add("little_giant", "giant_years_in_niche", "从事特定细分市场年限", _col(f, "years_in_niche"), 3)
    g1 &= add("little_giant", "giant_main_share", "主营业务收入占营业收入比重", _ratio(main, rev), 0.70)
    growth2 = ((_ratio(main, main_p) - 1) + (_ratio(main_p, main_p2) - 1)) / 2
    g1 &= add("little_giant", "giant_main_growth_2y", "近2年主营业务收入平均增长率", growth2, 0.05)
    share_min = np.fmin(_ratio(rd, rev), _ratio(rd_prev, rev_prev))
    share_min = np.where(np.isnan(_ratio(rd, rev)) | np.isnan(_ratio(rd_prev, rev_prev)), np.nan, share_min)
    need = np.where(rev >= 10000, 0.03, np.where(rev >= 5000, 0.06, np.nan))
    small = rev < 5000
    g_share = add(
        "little_giant",
        "giant_rd_share_both_years",
        "近2年研发费用占营业收入比重（均不低于）",
        share_min,
        need,
        _at_least(share_min, need)[2] & ~small,
    )
    g_small = add("little_giant", "giant_small_equity", "营收5000万元以下：近2年新增股权融资", eq2, 8000)
    g_small &= add(
        "little_giant", "giant_small_rd_total", "营收5000万元以下：研发费用总额", rd + rd_prev, 3000
    )
    g_small &= add(
        "little_giant",
        "giant_small_rd_staff",
        "营收5000万元以下：研发人员占比",
        _col(f, "rd_staff_share"),
        0.5,
    )
    g_direct = add(
        "little_giant", "giant_direct", "创新直通条件", _flag(f, "giant_direct").astype(float), ones
    )
    g2 = g_share | (small & g_small) | g_direct
    g3 = add(
        "little_giant",
        "giant_rd_institution",
        "自建或联合建立研发机构",
        _flag(f, "has_rd_institution").astype(float),
        ones,
    )
    g4 = add("little_giant", "giant_class1_ip", "Ⅰ类知识产权数量", _col(f, "class1_ip_count"), 2)
    giant = add(
        "little_giant",
        "qualifies",
        '专精特新"小巨人"企业',
        (specialised & g1 & g2 & g3 & g4).astype(float),
        ones,
    )
    checks = pd.concat(rows, ignore_index=True)
    tiers = pd.DataFrame(
        {
            "uscc": f["uscc"].to_numpy(),
            "innovative": innovative,
            "specialised": specialised,
            "little_giant": giant,
        }
    )
    tiers["tier"] = np.select(
        [giant, specialised, innovative], ["little_giant", "specialised", "innovative"], "none"
    )
    notes = (
        "qualitative 小巨人 conditions (精细化, 产业链配套, 主导产品) not checked; "
        "专精特新 points taken as given",
    )
    return SmeTierResult(checks=checks, tiers=tiers, notes=notes)
