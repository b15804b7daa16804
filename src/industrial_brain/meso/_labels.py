"""Bilingual column labels of the input–output results (codes never change, labels do)."""

from __future__ import annotations

import pandas as pd

from industrial_brain._shared.i18n import check_lang
from industrial_brain._shared.i18n import label as _shared_label

IO_LABELS_ZH: dict[str, str] = {
    "sector": "部门",
    "region": "地区",
    "output": "产出乘数",
    "output_typeII": "产出乘数（II型）",
    "value_added": "增加值乘数",
    "income": "收入乘数",
    "income_typeI": "收入乘数（I型）",
    "income_typeII": "收入乘数（II型）",
    "backward": "影响力系数",
    "forward": "感应度系数",
    "backward_total": "完全后向关联",
    "forward_total": "完全前向关联",
    "backward_direct": "直接后向关联",
    "forward_direct": "直接前向关联",
    "quadrant": "象限",
    "key": "关键部门",
    "backward_oriented": "后向主导部门",
    "forward_oriented": "前向主导部门",
    "weak": "弱关联部门",
    "x": "总产出",
    "loss_total": "完全抽取损失",
    "loss_backward": "后向抽取损失",
    "loss_forward": "前向抽取损失",
    "share_total": "完全抽取损失占比",
    "share_backward": "后向抽取损失占比",
    "share_forward": "前向抽取损失占比",
    "upstreamness": "上游度",
    "downstreamness": "下游度",
    "row_sum": "行和",
    "column_sum": "列和",
    "target": "目标",
    "residual": "残差",
    "unit": "单位",
    "stressor": "卫星账户",
    "value": "数值",
}


def io_label(key: str, lang: str = "en") -> str:
    """The label of an IO result column or category ``key`` in ``lang`` (``en``: the key itself)."""
    check_lang(lang)
    if lang == "en":
        return key
    if key in IO_LABELS_ZH:
        return IO_LABELS_ZH[key]
    for suffix, zh in (("_direct", "（直接）"), ("_total", "（完全）")):
        if key.endswith(suffix):
            return key[: -len(suffix)] + zh
    return _shared_label(key, lang)


def relabel(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Rename the columns (and index names) of ``frame`` to ``lang`` labels."""
    check_lang(lang)
    if lang == "en":
        return frame
    out = frame.rename(columns={c: io_label(str(c), lang) for c in frame.columns})
    if isinstance(out.index, pd.MultiIndex):
        out.index = out.index.set_names([io_label(str(n), lang) if n else n for n in out.index.names])
    elif out.index.name:
        out.index = out.index.rename(io_label(str(out.index.name), lang))
    return out
