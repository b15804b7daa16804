"""Chinese labels of the report's tables: column headers, categorical cells and the unit caption.

:data:`HEADERS_ZH` adds the report's own column names to the shared
:data:`~industrial_brain._shared.i18n.LABELS_ZH`; :data:`VALUES_ZH` translates the categorical values
the tables show (kinds of quality notes, grades, quadrants, method names). Codes (region and sector
codes, dataset ids, indicator codes) are never translated.
"""

from __future__ import annotations

import re
from typing import Iterable

import pandas as pd

from industrial_brain._shared.i18n import LABELS_ZH, unit_label, unit_of_column

__all__ = ["HEADERS_ZH", "VALUES_ZH", "zh_header", "zh_cells", "zh_value", "table_unit"]

#: Report column names → Chinese (beside :data:`LABELS_ZH`).
HEADERS_ZH: dict[str, str] = {
    "action": "措施",
    "alpha": "Cronbach α",
    "backward": "影响力系数",
    "bandwidth": "带宽",
    "benchmark": "行业中位数",
    "betweenness": "介数中心性",
    "change_total": "完全系数变化",
    "difference": "差值",
    "direct": "直接消耗系数",
    "effort": "工作量",
    "fwhm": "主峰半高宽",
    "forward": "感应度系数",
    "gain": "得分提升",
    "gap_to_next_level": "距下一等级差距",
    "ghosh_multiplier": "Ghosh乘数",
    "grp_100m_cny": "地区生产总值",
    "gross_output_trn_cny": "总产出",
    "imported_intermediates_trn_cny": "进口中间投入",
    "imported_use": "进口中间使用",
    "import_share": "进口占总供给比重",
    "level_after": "完成后等级",
    "missing_share": "缺失比例",
    "model_version": "模型版本",
    "n_eig_gt1": "特征值>1的主成分数",
    "n_peaks": "峰数",
    "next_level_floor": "下一等级门槛",
    "output_at_risk": "风险产出",
    "output_at_risk_per_unit": "单位进口风险产出",
    "output_at_risk_share": "风险产出占总产出比重",
    "output_multiplier": "产出乘数",
    "p_norm": "p值（正态）",
    "p_rand": "p值（随机化）",
    "p_sim": "p值（置换）",
    "pc1_share": "第一主成分方差占比",
    "peak_height": "主峰高度",
    "peak_x": "主峰位置",
    "published_mean_2022": "2022年公布均值",
    "published_share_at_or_below_L1": "公布的L1及以下比重",
    "questions": "题目",
    "r": "相关系数r",
    "rank_betweenness": "介数排名",
    "rank_extraction": "抽取损失排名",
    "share": "比重",
    "share_at_or_below_L1": "L1及以下比重",
    "share_net_between": "组间净差贡献率",
    "share_of_product": "占该产品比重",
    "share_total": "抽取损失占总产出比重",
    "share_transvariation": "超变密度贡献率",
    "share_within": "组内差距贡献率",
    "step": "步骤",
    "synthetic_mean": "合成样本均值",
    "table": "投入产出表",
    "tertiary_share": "第三产业比重",
    "theil_T": "泰尔指数T",
    "total": "完全消耗系数",
    "total_after": "完成后总分",
    "use_hhi": "用途集中度HHI",
    "user": "使用部门",
    "value_added_trn_cny": "增加值",
    "weighted_gap": "加权差距",
    "z_norm": "z值（正态）",
    "FI": "分工指数FI",
    "FI_i": "专业化系数FI_i",
    "K": "Krugman专业化指数K",
    "EI": "E[I]",
    "I": "莫兰指数I",
    "CV": "变异系数",
    "G": "总体基尼系数G",
    "G_w": "组内G_w",
    "G_nb": "组间净差G_nb",
    "G_t": "超变密度G_t",
    "S": "相似系数S",
    "block": "维度",
    "k": "指标数",
}

#: Categorical cell values → Chinese (exact matches only).
VALUES_ZH: dict[str, str] = {
    # kinds and severities of quality notes
    "duplicate_column": "重复列",
    "identity": "恒等式",
    "io_negative_value_added": "增加值为负",
    "io_undefined_coefficient": "系数无定义",
    "level_break": "水平断点",
    "negative": "负值",
    "outlier": "离群值",
    "partial_year": "不完整年份",
    "provenance": "来源说明",
    "repeated_value": "重复值",
    "scale": "量纲异常",
    "error": "错误",
    "warning": "警告",
    "info": "提示",
    # dataset kinds and grades
    "panel": "面板",
    "io": "投入产出表",
    "geo": "地理边界",
    "reference": "参照表",
    "sectors": "部门表",
    "indicators": "指标表",
    "enterprise": "企业",
    "assessment": "企业评估",
    "firms": "企业名录",
    "transactions": "企业交易",
    "general": "一般",
    "important": "重要",
    "core": "核心",
    "public classification": "公开分类标准",
    "compiled here from public codes": "依公开代码编制",
    # linkage quadrants
    "key": "关键部门",
    "backward_oriented": "后向型",
    "forward_oriented": "前向型",
    "weak": "弱关联",
    # weighting, normalisation and aggregation methods
    "nominal": "基准",
    "equal": "等权",
    "entropy": "熵权",
    "critic": "CRITIC",
    "cv": "变异系数法",
    "pca": "主成分",
    "minmax": "极差标准化",
    "arithmetic": "算术平均",
    "geometric": "几何平均",
    "topsis": "TOPSIS",
    "index": "总指数",
    # NBS four regions
    "East": "东部",
    "Central": "中部",
    "West": "西部",
    "Northeast": "东北",
    "ALL": "全部",
    "primary": "第一产业",
    "secondary": "第二产业",
    "tertiary": "第三产业",
}

#: Phrases inside text cells (licences, units of the index systems) → Chinese, applied in order.
PHRASES_ZH: tuple[tuple[str, str], ...] = (
    ("no licence stated; cite the authors", "未注明许可；引用时注明作者"),
    ("no licence stated; cite the repository", "未注明许可；引用时注明数据仓库"),
    (", as received", "，按原样接收"),
    (" (see LICENSE-DATA)", "（见 LICENSE-DATA）"),
    (" (synthetic)", "（合成数据）"),
    ("persons per 10^4 people", "人/万人"),
    ("per 10^4 people", "每万人"),
    ("ports per person", "个/人"),
    ("CNY per person", "元/人"),
    ("t per 10^8 CNY", "吨/亿元"),
    ("per 10^10 CNY", "每百亿元"),
    ("(?)", "（？）"),
)

_SUFFIX = re.compile(r"^(?P<base>.+?)\s*\((?P<unit>[^()]+)\)$")


def zh_value(v: object) -> object:
    """A categorical value in Chinese (:data:`VALUES_ZH`), anything else unchanged.

    >>> zh_value("outlier"), zh_value("330000"), zh_value("MIT (see LICENSE-DATA)")
    ('离群值', '330000', 'MIT（见 LICENSE-DATA）')
    """
    if not isinstance(v, str):
        return v
    if v in VALUES_ZH:
        return VALUES_ZH[v]
    for en, zh in PHRASES_ZH:
        v = v.replace(en, zh)
    return unit_label(v, "zh")


def zh_header(name: object) -> str:
    """A column header in Chinese: the report's and the shared labels, ``w:entropy`` → ``权重：熵权``,
    ``total_2017`` → ``完全消耗系数2017``, ``G_jj[East]`` → ``东部组内基尼系数``, ``x (%)`` → ``…（%）``;
    a name already in Chinese or a code stays.

    >>> zh_header("w:entropy"), zh_header("direct_2020"), zh_header("G_jj[East]"), zh_header("per_output (%)")
    ('权重：熵权', '直接消耗系数2020', '东部组内基尼系数', '单位产出直接数字投入（%）')
    """
    n = str(name)
    if n in HEADERS_ZH:
        return HEADERS_ZH[n]
    if n in LABELS_ZH:
        return LABELS_ZH[n]
    m = _SUFFIX.match(n)
    if m:
        return f"{zh_header(m['base'])}（{unit_label(m['unit'], 'zh')}）"
    if n.startswith("w:"):
        return "权重：" + str(zh_value(n[2:]))
    m = re.fullmatch(r"G_jj\[(.+)\]", n)
    if m:
        return f"{zh_value(m[1])}组内基尼系数"
    m = re.fullmatch(r"(.+)_(\d{4})", n)
    if m and m[1] in HEADERS_ZH:
        return HEADERS_ZH[m[1]] + m[2]
    return n


def zh_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its text cells translated by :func:`zh_value` (numbers untouched)."""
    out = frame.copy()
    for i in range(out.shape[1]):
        col = out.iloc[:, i]
        if pd.api.types.is_object_dtype(col.dtype) or pd.api.types.is_string_dtype(col.dtype):
            out.isetitem(i, col.map(zh_value))
    return out


def table_unit(columns: Iterable[object], unit: str | tuple[str, str] | None, lang: str) -> str:
    """The unit caption of a table: ``unit`` (text, or (English, Chinese)), else the units its column
    names carry (:func:`~industrial_brain._shared.i18n.unit_of_column`, years left out), else
    "dimensionless" — coefficients, indices, scores, counts and codes.

    >>> table_unit(["region_code", "grp_100m_cny", "year"], None, "zh")
    '单位：地区生产总值 亿元'
    >>> table_unit(["a"], ("10^4 CNY", "万元"), "en")
    'Unit: 10^4 CNY'
    """
    zh = lang == "zh"
    if isinstance(unit, tuple):
        text = unit[1] if zh else unit[0]
    elif unit:
        text = unit
    else:
        found = [(c, u) for c in columns if (u := unit_of_column(str(c))) and u != "year"]
        if found:
            text = (
                "；".join(f"{zh_header(c)} {unit_label(u, 'zh')}" for c, u in found)
                if zh
                else "; ".join(f"{c}: {unit_label(u, 'en')}" for c, u in found)
            )
        else:
            text = (
                "无量纲（系数、指数、得分、计数与代码）"
                if zh
                else "dimensionless (coefficients, indices, scores, counts, codes)"
            )
    return ("单位：" if zh else "Unit: ") + text
