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
}


def check_lang(lang: str) -> str:
    """Validate a language code (``en`` or ``zh``)."""
    if lang not in LANGS:
        raise InputError.at("unknown language", column="lang", value=lang, expected="'en' or 'zh'")
    return lang


def label(key: str, lang: str = "en") -> str:
    """The label of a column/field key in ``lang`` (the key itself in English)."""
    check_lang(lang)
    return LABELS_ZH.get(key, key) if lang == "zh" else key
