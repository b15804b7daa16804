"""Grading column descriptions, datasets and derived data by GB/T 43697-2024, with justifications.

Steps (GB/T 43697-2024 clause 6):

1. **Factors** (6.3): each column's domain, group (data subject), region, precision, scale, depth,
   coverage and importance — stated in its description's hint columns, otherwise the defaults below
   (importance also from the rule set's keywords).
2. **Impact analysis** (6.4): every impact rule of the rule set whose conditions hold contributes its
   impacts (object × degree); none holding gives the rule set's ``default_impact``.
3. **Level** (6.5, Table 2): each impact through :func:`~industrial_brain.governance.levels.determine_level`;
   the column's level is the highest; general data gets its sub-level 1–4 (Annex H) and every level
   MIIT's 一级/二级/三级 (工业数据分类分级指南（试行）, ch. 3).
4. **Dataset** (6.6): the highest level of its columns, "就高从严"; its justification names the
   deciding columns and rules.
5. **Change** (Annex J): each dataset's *fingerprint* is a hash of its column descriptions; a stored
   grade whose fingerprint differs is out of date and the dataset is graded again.

Derived data (Annex I) are graded from their sources by :func:`grade_derived`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from industrial_brain._shared.results import ResultMixin
from industrial_brain.errors import InputError
from industrial_brain.governance.classification import classify, column_text
from industrial_brain.governance.levels import (
    determine_level,
    general_sublevel,
    shift_level,
    strictest,
)
from industrial_brain.governance.rules import DIMENSIONS, LEVELS, GradingRules, default_rules

__all__ = [
    "FACTOR_DEFAULTS",
    "HINT_COLUMNS",
    "LEVEL_RULE",
    "MIXED_RULE",
    "GradeResult",
    "DerivedGrade",
    "fingerprint",
    "grade_columns",
    "grade_derived",
]

#: Defaults of the factors a description does not state.
FACTOR_DEFAULTS = {
    "region": "province",
    "precision": "record",
    "scale": 0.0,
    "depth": "raw",
    "coverage": 0.0,
    "importance": "ordinary",
}
#: Columns of a description frame that are read (the fingerprint covers all of them).
HINT_COLUMNS = ("name_zh", "unit", *DIMENSIONS, *FACTOR_DEFAULTS)
LEVEL_RULE = "GB/T 43697-2024 6.5 Table 2"
MIXED_RULE = "GB/T 43697-2024 6.6 (就高从严: the highest level of the dataset's columns)"
_CHOICES = {
    "region": ("national", "province", "city", "county", "site"),
    "precision": ("record", "person", "enterprise", "county", "city", "province", "national"),
    "depth": ("raw", "processed", "aggregate"),
    "importance": (
        "ordinary",
        "key_sector",
        "key_technology",
        "chokepoint",
        "critical_infrastructure",
        "national_defence",
    ),
}


def fingerprint(columns: pd.DataFrame) -> pd.Series:
    """``dataset_id → fingerprint``: the first 16 hex digits of the SHA-256 of a dataset's column
    descriptions (every read column, rows sorted by column name), so a change of any description or
    hint, or a column added or dropped, changes it (GB/T 43697-2024 Annex J: re-grade on change).

    Examples
    --------
    >>> a = pd.DataFrame({"dataset_id": ["d"], "column": ["x"], "description": ["output"]})
    >>> fingerprint(a)["d"] == fingerprint(a.assign(description="output "))["d"]
    False
    """
    cols = ["column", "description", *[c for c in HINT_COLUMNS if c in columns]]
    parts = [columns[c].astype(object).where(columns[c].notna(), "").astype(str) for c in cols]
    rows = parts[0].str.cat(parts[1:], sep="\x1f")
    frame = pd.DataFrame({"dataset_id": columns["dataset_id"].to_numpy(), "row": rows.to_numpy()})
    frame = frame.sort_values(["dataset_id", "row"], kind="stable")
    return frame.groupby("dataset_id", sort=True)["row"].agg(
        lambda r: hashlib.sha256("\x1e".join(r).encode()).hexdigest()[:16]
    )


def _factors(
    columns: pd.DataFrame, classes: pd.DataFrame, text: pd.Series, rules: GradingRules
) -> pd.DataFrame:
    f = classes.copy()
    f["group"] = classes["subject"]
    for name, default in FACTOR_DEFAULTS.items():
        if name in columns:
            given = columns[name].reset_index(drop=True)
            stated = given.notna() & (given.astype(str) != "")
        else:
            given, stated = pd.Series(default, index=f.index), pd.Series(False, index=f.index)
        if isinstance(default, float):
            values = pd.to_numeric(given.where(stated, default), errors="coerce")
            if values.isna().any() or (values < 0).any():
                i = int((values.isna() | (values < 0)).to_numpy().argmax())
                raise InputError.at(f"{name} must be a number ≥ 0", row=i + 2, column=name, value=given[i])
            f[name] = values.astype(float)
            continue
        values = given.where(stated, default).astype(str)
        bad = ~values.isin(_CHOICES[name])
        if bad.any():
            i = int(bad.to_numpy().argmax())
            raise InputError.at(
                f"unknown {name}",
                row=i + 2,
                column=name,
                value=values[i],
                expected=" | ".join(_CHOICES[name]),
            )
        if name == "importance":
            for code, words in reversed(list(rules.importance_keywords.items())):
                hit = ~stated & text.str.contains("|".join(map(_escape, words)), regex=True)
                values[hit] = code
        f[name] = values
    return f


def _escape(word: str) -> str:
    return re.escape(word.lower())


def _rule_masks(f: pd.DataFrame, rules: GradingRules) -> np.ndarray:
    masks = np.ones((len(f), len(rules.impact_rules)), dtype=bool)
    for j, r in enumerate(rules.impact_rules):
        m = np.ones(len(f), dtype=bool)
        for key, allowed in r.when.items():
            m &= f[key].isin(allowed).to_numpy()
        for key, refused in r.unless.items():
            m &= ~f[key].isin(refused).to_numpy()
        if r.min_scale is not None:
            m &= (f["scale"] >= r.min_scale).to_numpy()
        if r.min_coverage is not None:
            m &= (f["coverage"] >= r.min_coverage).to_numpy()
        masks[:, j] = m
    return masks


@dataclass(frozen=True)
class GradeResult(ResultMixin):
    """Grades of columns and of their datasets, each with its justification.

    ``columns``: one row per column — the six categories, the eight factors, ``impacts``
    (``object×degree→level``; ``;``-joined), ``rules`` (ids), ``level``, ``general_sublevel`` (1–4 for
    general data, else 0), ``miit_level``. ``datasets`` (``to_frame()``): one row per dataset —
    ``level``, ``general_sublevel``, ``miit_level``, ``fingerprint``, ``columns``, ``deciding_columns``,
    ``rules``.
    """

    columns: pd.DataFrame
    datasets: pd.DataFrame
    rules_code: str
    rules_version: str

    title_en = "Data grading (GB/T 43697-2024)"
    title_zh = "数据分级（GB/T 43697-2024）"

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        return self.datasets

    def _summary_items(self, lang: str = "en"):
        zh = lang == "zh"
        yield ("规则" if zh else "rules", f"{self.rules_code} {self.rules_version}")
        yield ("列数" if zh else "columns", len(self.columns))
        yield ("数据集" if zh else "datasets", len(self.datasets))
        counts = self.datasets["level"].value_counts()
        yield (
            "级别" if zh else "levels",
            ", ".join(f"{lv} {int(counts.get(lv, 0))}" for lv in reversed(LEVELS)),
        )

    def justification(self, dataset_id: str) -> dict:
        """The justification of one dataset's grade: level, the rules (6.5, 6.6), the deciding
        columns and every column's categories, factors, impacts and rules (JSON-ready)."""
        d = self.datasets[self.datasets["dataset_id"] == dataset_id]
        if d.empty:
            raise InputError.at("dataset not graded", column="dataset", value=dataset_id)
        row = d.iloc[0]
        cols = self.columns[self.columns["dataset_id"] == dataset_id].drop(columns=["dataset_id"])
        return {
            "level": row["level"],
            "general_sublevel": int(row["general_sublevel"]) or None,
            "miit_level": row["miit_level"],
            "fingerprint": row["fingerprint"],
            "rules": {
                "set": f"{self.rules_code} {self.rules_version}",
                "level": LEVEL_RULE,
                "dataset": MIXED_RULE,
            },
            "deciding_columns": row["deciding_columns"].split(";") if row["deciding_columns"] else [],
            "columns": json.loads(cols.to_json(orient="records", force_ascii=False)),
        }


def grade_columns(columns: pd.DataFrame, rules: GradingRules | None = None) -> GradeResult:
    """Grade column descriptions and their datasets (GB/T 43697-2024 6.3–6.6).

    Parameters
    ----------
    columns : DataFrame
        ``dataset_id``, ``column``, ``description``; optional ``name_zh``, ``unit``, a category per
        dimension (see :func:`~industrial_brain.governance.classification.classify`) and the factors
        ``region``, ``precision``, ``scale``, ``depth``, ``coverage``, ``importance`` (defaults
        :data:`FACTOR_DEFAULTS`).
    rules : the rule set (default ``gbt43697_2024``)

    Returns
    -------
    GradeResult

    Notes
    -----
    level(column) = max over matched impacts (o, d) of Table2[o, d];
    level(dataset) = max over its columns (就高从严); sub-level(general) = max over impacts of
    Annex H[d] (no harm 1).

    References
    ----------
    GB/T 43697-2024 6.3 (分级要素), 6.4 (影响分析), 6.5 Table 2 (级别确定), 6.6 (综合确定), Annex H.

    Examples
    --------
    >>> cols = pd.DataFrame({"dataset_id": ["firms", "firms", "gdp"],
    ...     "column": ["uscc", "revenue_cny", "gdp_100m_cny"],
    ...     "description": ["enterprise credit code", "operating revenue of the enterprise",
    ...                     "gross regional product, NBS yearbook"],
    ...     "precision": ["enterprise", "enterprise", "province"], "scale": [500, 500, 31],
    ...     "depth": ["raw", "raw", "aggregate"]})
    >>> g = grade_columns(cols)
    >>> g.columns[["column", "level", "general_sublevel"]].to_numpy().tolist()
    [['uscc', 'important', 0], ['revenue_cny', 'important', 0], ['gdp_100m_cny', 'general', 1]]
    >>> g.columns["rules"].tolist()
    ['I03-firm-rows;I04-firm-population', 'I03-firm-rows;I04-firm-population', 'I01-published']
    >>> g.datasets[["dataset_id", "level", "miit_level"]].to_numpy().tolist()
    [['firms', 'important', '二级'], ['gdp', 'general', '一级']]
    """
    rules = rules or default_rules()
    classes = classify(columns, rules).frame
    text = column_text(columns).reset_index(drop=True)
    f = _factors(columns, classes, text, rules)
    masks = _rule_masks(f, rules)

    # per rule: its highest level, its sub-level contribution, its impacts as text
    rule_level = np.empty(len(rules.impact_rules), dtype=int)
    rule_sub = np.empty(len(rules.impact_rules), dtype=int)
    rule_text = []
    for j, r in enumerate(rules.impact_rules):
        lv = [determine_level(i.object, i.degree, rules) for i in r.impacts]
        rule_level[j] = LEVELS.index(strictest(lv))
        rule_sub[j] = general_sublevel([i.degree for i, x in zip(r.impacts, lv) if x == "general"], rules)
        rule_text.append([f"{i.object}×{i.degree}→{x}" for i, x in zip(r.impacts, lv)] or ["no harm→general"])
    d = rules.default_impact
    default_level = LEVELS.index(determine_level(d.object, d.degree, rules))
    default_sub = general_sublevel([d.degree], rules)

    any_rule = masks.any(axis=1)
    level = np.where(any_rule, np.where(masks, rule_level, -1).max(axis=1, initial=-1), default_level)
    sub_of_general = np.where(masks & (rule_level == 0), rule_sub, 0).max(axis=1, initial=0)
    sub = np.where(any_rule, sub_of_general, default_sub)
    sub = np.where(level == 0, np.maximum(sub, 1), 0)

    ids = np.array([r.id for r in rules.impact_rules], dtype=object)
    fired = [";".join(ids[row]) if row.any() else "default" for row in masks]
    impacts = [
        ";".join(t for j in np.flatnonzero(row) for t in rule_text[j])
        if row.any()
        else f"{d.object}×{d.degree}→{LEVELS[default_level]}"
        for row in masks
    ]
    out = f.copy()
    out.insert(2, "description", columns["description"].reset_index(drop=True).to_numpy())
    out["impacts"] = impacts
    out["rules"] = fired
    out["level"] = np.asarray(LEVELS, dtype=object)[level]
    out["general_sublevel"] = sub.astype(int)
    out["miit_level"] = out["level"].map(rules.miit_levels)
    return GradeResult(out, _datasets(out, fingerprint(columns)), rules.code, rules.version)


def _datasets(cols: pd.DataFrame, prints: pd.Series) -> pd.DataFrame:
    rank = cols["level"].map(LEVELS.index) * 10 + cols["general_sublevel"]
    top = rank.groupby(cols["dataset_id"], sort=True).transform("max")
    deciding = cols[rank == top]
    g = cols.groupby("dataset_id", sort=True)
    out = pd.DataFrame(
        {
            "level": g["level"].agg(lambda s: strictest(s)),
            "general_sublevel": g["general_sublevel"].max(),
            "columns": g.size(),
            "deciding_columns": deciding.groupby("dataset_id", sort=True)["column"].agg(";".join),
            "rules": deciding.groupby("dataset_id", sort=True)["rules"].agg(
                lambda s: ";".join(dict.fromkeys(";".join(s).split(";")))
            ),
        }
    )
    out.loc[out["level"] != "general", "general_sublevel"] = 0
    out["miit_level"] = out["level"].map(default_rules().miit_levels)
    out["fingerprint"] = prints.reindex(out.index)
    return out.reset_index()[
        [
            "dataset_id",
            "level",
            "general_sublevel",
            "miit_level",
            "fingerprint",
            "columns",
            "deciding_columns",
            "rules",
        ]
    ]


@dataclass(frozen=True)
class DerivedGrade(ResultMixin):
    """The grade of derived data (GB/T 43697-2024 Annex I) and why."""

    level: str
    transform: str
    from_sources: str
    own: str | None
    sources: Mapping[str, str] = field(default_factory=dict)
    rule: str = ""

    title_en = "Derived-data grade (GB/T 43697-2024 Annex I)"
    title_zh = "衍生数据分级（GB/T 43697-2024 附录I）"

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        return pd.DataFrame({"source": list(self.sources), "level": list(self.sources.values())})

    def _summary_items(self, lang: str = "en"):
        yield ("level", self.level)
        yield ("transform", self.transform)
        yield ("from sources", self.from_sources)
        yield ("own impact analysis", self.own or "—")
        yield ("rule", self.rule)

    def justification(self) -> dict:
        return {
            "level": self.level,
            "rule": f"GB/T 43697-2024 Annex I: {self.rule}",
            "transform": self.transform,
            "sources": dict(self.sources),
            "from_sources": self.from_sources,
            "own_impact_analysis": self.own,
            "dataset": "the higher of the two (就高从严, 6.6)",
        }


def grade_derived(
    sources: Mapping[str, str], transform: str, *, own: str | None = None, rules: GradingRules | None = None
) -> DerivedGrade:
    """The level of data derived from ``sources`` (``id → level``) by ``transform``.

    Parameters
    ----------
    sources : the source datasets' levels
    transform : ``copy`` (copy, subset, join), ``fuse`` (fusion of sources), ``aggregate``
        (statistics with small cells suppressed), ``anonymise``
    own : the derived data's own level from its impact analysis (:func:`grade_columns`), if known

    Notes
    -----
    level = max(shift(max(sources), s[transform]), own); s = 0 for copy and fuse, −1 for
    aggregate, −2 for anonymise, kept within general … core.

    References
    ----------
    GB/T 43697-2024 Annex I (衍生数据分级参考), 6.6.

    Examples
    --------
    >>> grade_derived({"firms": "important", "gdp": "general"}, "aggregate").level
    'general'
    >>> grade_derived({"firms": "important"}, "aggregate", own="important").level
    'important'
    >>> grade_derived({"a": "core", "b": "general"}, "fuse").level
    'core'
    """
    rules = rules or default_rules()
    if not sources:
        raise InputError.at(
            "derived data without sources", column="sources", expected="one or more source datasets"
        )
    by = {r.transform: r for r in rules.derived}
    if transform not in by:
        raise InputError.at("unknown transform", column="transform", value=transform, expected=" | ".join(by))
    r = by[transform]
    from_sources = shift_level(strictest(sources.values()), r.shift)
    level = strictest([from_sources] + ([own] if own is not None else []))
    return DerivedGrade(level, transform, from_sources, own, dict(sources), r.name_en)
