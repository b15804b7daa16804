"""Bilingual labels. Codes never change with the language; only labels do."""

from __future__ import annotations

from industrial_brain.errors import InputError

LANGS = ("en", "zh")

#: Column and field labels used across results and the CLI (English → Chinese).
LABELS_ZH: dict[str, str] = {
    "region": "地区",
    "region_code": "地区代码",
    "name": "名称",
    "year": "年份",
    "indicator": "指标",
    "indicator_code": "指标代码",
    "value": "数值",
    "unit": "单位",
    "sector": "部门",
    "sector_code": "部门代码",
    "dataset": "数据集",
    "dataset_id": "数据集编号",
    "source": "来源",
    "publisher": "发布机构",
    "licence": "许可",
    "grade": "分级",
    "rows": "行数",
    "years": "年份范围",
    "missing_share": "缺失比例",
    "ingested_at": "入库时间",
    "kind": "类型",
    "severity": "严重程度",
    "detail": "说明",
    "found_by": "发现方式",
    "notes": "质量提示",
    "score": "得分",
    "rank": "排名",
    "level": "等级",
    "errors": "错误数",
    "warnings": "警告数",
    "count": "数量",
    "code": "代码",
    "name_zh": "中文名称",
    "name_en": "英文名称",
    "name_zh_short": "简称",
    "parent_code": "上级代码",
    "region4_zh": "四大区域",
    "region4_en": "四大区域（英文）",
    "neighbours": "相邻地区",
    "title": "标题",
    "citation": "引用",
    "file_name": "文件名",
    "sha256": "SHA-256",
    "table_id": "投入产出表编号",
    "scheme": "分类标准",
    "sectors": "部门数",
    "gross_output": "总产出",
    "value_added": "增加值",
    "final_demand": "最终需求",
    "intermediate_input": "中间投入",
    "intermediate_use": "中间使用",
    "imports": "进口",
    "exports": "出口",
    "total_score": "总得分",
    "uscc": "统一社会信用代码",
    "size_class": "企业规模",
    "taken_on": "评估日期",
    "model_code": "模型代码",
    "username": "用户名",
    "role": "角色",
    "created_at": "创建时间",
    "disabled": "已停用",
    "run_id": "运行编号",
    "method": "方法",
    "measure": "测度",
    "label": "标签",
    "params": "参数",
    "note": "备注",
    "n": "样本数",
    "mean": "均值",
    "median": "中位数",
    "suppressed": "已抑制",
    "direction": "方向",
    "dimension": "维度",
    "weight": "权重",
    "year_min": "起始年份",
    "year_max": "终止年份",
    "regions": "地区数",
    # monitoring and early warning
    "alert_id": "预警编号",
    "subject": "预警对象",
    "rule": "规则",
    "state": "状态",
    "condition": "触发状况",
    "active": "未解除",
    "last_year": "最近触发年份",
    "cleared_year": "解除年份",
    "fire": "触发阈值",
    "clear": "解除阈值",
    "message": "预警信息",
    "opened_at": "开启时间",
    "updated_at": "更新时间",
    # structure similarity, specialisation, digital inputs by industry (services/structure.py)
    "region_i": "地区i",
    "name_i": "名称i",
    "region_j": "地区j",
    "name_j": "名称j",
    "mean_S": "平均相似系数",
    "median_S": "相似系数中位数",
    "min_S": "最小相似系数",
    "max_S": "最大相似系数",
    "near_duplicates": "近似重复地区对",
    "pairs": "地区对数",
    "S_first": "首年相似系数",
    "S_last": "末年相似系数",
    "mean_K": "平均专业化指数",
    "max_K": "最大专业化指数",
    "mean_K_ij": "平均双边专业化指数",
    "most_specialised": "最专业化地区",
    "industry": "产业",
    "share_intermediate": "数字投入占中间投入比重",
    "per_output": "单位产出直接数字投入",
    "total_per_output": "单位产出完全数字投入",
    "caict_penetration": "信通院数字经济渗透率",
    # innovation efficiency (DEA, Malmquist)
    "efficiency": "效率",
    "efficient": "DEA有效",
    "peers": "参照单元",
    "model": "模型",
    "units": "决策单元数",
    "efficient units": "有效单元数",
    "mean efficiency": "平均效率",
    "input-oriented": "投入导向",
    "output-oriented": "产出导向",
    "period_from": "基期",
    "period_to": "报告期",
    "MI": "Malmquist指数",
    "EC": "技术效率变化",
    "TC": "技术进步",
    "mean MI": "Malmquist指数均值",
    "overall": "整体效率",
    "stage1": "研发阶段效率",
    "stage2": "转化阶段效率",
    "stage1_independent": "研发阶段效率（独立）",
    "stage2_independent": "转化阶段效率（独立）",
    # data classification and grading (GB/T 43697-2024)
    "industry_domain": "行业领域",
    "industrial_domain": "工业数据域",
    "use": "数据用途",
    "precision": "精度",
    "importance": "重要性",
    "impacts": "影响（对象×程度→级别）",
    "general_sublevel": "一般数据子级",
    "miit_level": "工业数据级别（工信部）",
    "computed": "计算级别",
    "effective_grade": "生效级别",
    "deciding_columns": "决定级别的列",
}

#: Units as shown in table headers: unit code → (English, Chinese). Money units are listed in
#: :data:`MONEY_UNITS`.
UNIT_LABELS: dict[str, tuple[str, str]] = {
    "CNY": ("CNY", "元"),
    "10^4 CNY": ("10^4 CNY", "万元"),
    "10^8 CNY": ("100 million CNY", "亿元"),
    "%": ("%", "%"),
    "t": ("t", "吨"),
    "10^4 t": ("10^4 t", "万吨"),
    "persons": ("persons", "人"),
    "10^4 persons": ("10^4 persons", "万人"),
    # the rest of the stored indicator units (the dashboard's labels, served by /catalog/units)
    "10^4 km": ("10^4 km", "万公里"),
    "10^4 tce": ("10^4 tce", "万吨标准煤"),
    "10^8 kWh": ("10^8 kWh", "亿千瓦时"),
    "10^8 m3": ("10^8 m3", "亿立方米"),
    "CNY/person": ("CNY/person", "元/人"),
    "Mt CO2": ("Mt CO2", "百万吨二氧化碳"),
    "count": ("count", "个"),
    "index": ("index", "指数"),
    "km": ("km", "公里"),
    "ports/person": ("ports/person", "个/人"),
    "ratio": ("ratio", "比值"),
    "share": ("share", "比重"),
    "undocumented": ("unit undocumented", "单位未注明"),
    "year": ("year", "年"),
    "1": ("dimensionless", "无量纲"),
    "class": ("class", "等级"),
}
#: The mark a stored unit carries when the source leaves it uncertain (``"km (?)"``).
UNSURE_UNIT = "(?)"
#: Column-name endings that name a unit (``grp_100m_cny`` is in 亿元), longest first.
UNIT_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("_100m_cny", "10^8 CNY"),
    ("_100m_kwh", "10^8 kWh"),
    ("_10k_cny", "10^4 CNY"),
    ("_10k_tce", "10^4 tce"),
    ("_10k_t", "10^4 t"),
    ("_share", "share"),
    ("_pct", "%"),
    ("_cny", "CNY"),
)
#: Spellings of the money units (stored units, Chinese and English forms) → unit code.
MONEY_UNITS: dict[str, str] = {
    "CNY": "CNY",
    "yuan": "CNY",
    "元": "CNY",
    "10^4 CNY": "10^4 CNY",
    "10k CNY": "10^4 CNY",
    "10^4 yuan": "10^4 CNY",
    "万元": "10^4 CNY",
    "10^8 CNY": "10^8 CNY",
    "100 million CNY": "10^8 CNY",
    "10^8 yuan": "10^8 CNY",
    "亿元": "10^8 CNY",
}


#: Yuan per unit of each money unit code.
MONEY_FACTOR: dict[str, float] = {"CNY": 1.0, "10^4 CNY": 1e4, "10^8 CNY": 1e8}


def in_100m_cny(value: float, unit: str) -> float | None:
    """``value`` in ``unit`` expressed in 亿元 (10^8 CNY): value × yuan-per-unit / 10^8; ``None`` when
    ``unit`` is not a money unit (:data:`MONEY_UNITS`). A price basis after the unit, as in
    ``"10^4 CNY (current producer prices)"``, is allowed.

    >>> in_100m_cny(25_000.0, "10^4 CNY (current producer prices)")
    2.5
    """
    code = MONEY_UNITS.get(unit.split("(")[0].strip())
    return None if code is None else float(value) * MONEY_FACTOR[code] / 1e8


def money_scale(unit: str, lang: str = "en") -> tuple[float, str]:
    """(factor from ``unit`` to 亿元, the label of the result in ``lang``) — ``(1.0, "table units")``
    when ``unit`` is not a money unit, so amounts stay as they are and say so.

    >>> money_scale("10^4 CNY (current producer prices)", "zh")
    (0.0001, '亿元')
    """
    per = in_100m_cny(1.0, unit)
    zh = lang == "zh"
    if per is None:
        return 1.0, "表内单位" if zh else "table units"
    return per, "亿元" if zh else "100 million CNY"


def check_lang(lang: str) -> str:
    """Validate a language code (``en`` or ``zh``)."""
    if lang not in LANGS:
        raise InputError.at("unknown language", column="lang", value=lang, expected="'en' or 'zh'")
    return lang


def label(key: str, lang: str = "en") -> str:
    """The label of a column/field key in ``lang`` (the key itself in English)."""
    check_lang(lang)
    return LABELS_ZH.get(key, key) if lang == "zh" else key


def is_money_unit(unit: str) -> bool:
    """True for a money unit (元, 万元, 亿元 in any of the spellings of :data:`MONEY_UNITS`)."""
    return unit.strip() in MONEY_UNITS


def unit_label(unit: str, lang: str = "en") -> str:
    """How a unit is written in ``lang`` (``'10^4 CNY'`` → ``'万元'`` in Chinese); unknown units as given.
    A unit the source leaves uncertain keeps its mark (:data:`UNSURE_UNIT`).

    >>> unit_label("10^8 CNY", "zh"), unit_label("km (?)", "zh"), unit_label("(?)", "en")
    ('亿元', '公里（？）', '?')
    """
    check_lang(lang)
    raw = unit.strip()
    unsure = raw.endswith(UNSURE_UNIT)
    base = raw.removesuffix(UNSURE_UNIT).strip() if unsure else raw
    code = MONEY_UNITS.get(base, base)
    names = UNIT_LABELS.get(code)
    name = base if names is None else (names[1] if lang == "zh" else names[0])
    if not unsure:
        return unit if names is None else name
    if not name:
        return "?"
    return name + ("（？）" if lang == "zh" else " (?)")


def unit_of_column(name: str) -> str | None:
    """The unit code a column name carries in its ending (:data:`UNIT_SUFFIXES`), or None.

    >>> unit_of_column("grp_100m_cny"), unit_of_column("year"), unit_of_column("score")
    ('10^8 CNY', 'year', None)
    """
    n = str(name).lower()
    if n == "year" or n.endswith("_year"):
        return "year"
    if n == "share":
        return "share"
    return next((u for end, u in UNIT_SUFFIXES if n.endswith(end)), None)


def unit_labels(lang: str = "en") -> list[dict[str, str]]:
    """Every unit of :data:`UNIT_LABELS` with its English and Chinese label and the label in ``lang``,
    and the other spellings of the money units (:data:`MONEY_UNITS`) as aliases.

    >>> [u for u in unit_labels("zh") if u["unit"] == "10^4 CNY"][0]["aliases"]
    ['10^4 yuan', '10k CNY', '万元']
    """
    check_lang(lang)
    return [
        {
            "unit": code,
            "en": en,
            "zh": zh,
            "label": zh if lang == "zh" else en,
            "aliases": sorted(a for a, c in MONEY_UNITS.items() if c == code and a != code),
        }
        for code, (en, zh) in UNIT_LABELS.items()
    ]
