"""Enterprises for the interfaces: the registry with each enterprise's latest assessment per model,
one enterprise's record and assessments, and suppressed aggregates over enterprises.

Reads through :mod:`industrial_brain.store.enterprises` (the one definition of "latest": per
enterprise and model code). Aggregates are always over one model — two models' scores are not
comparable, and an enterprise must not count twice — and every cell (and margin) under ``k``
enterprises is suppressed, with complementary suppression, by the micro engine
(:func:`industrial_brain.micro.benchmarking.aggregate`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import pandas as pd

from industrial_brain._shared.i18n import check_lang
from industrial_brain._shared.results import ResultMixin
from industrial_brain.errors import InputError
from industrial_brain.micro.benchmarking import aggregate
from industrial_brain.store import enterprises as enterprise_store
from industrial_brain.store.connection import Store

__all__ = [
    "ASSESSMENT_FIELDS",
    "GROUPINGS",
    "EnterpriseAggregates",
    "check_grouping",
    "enterprise_list",
    "enterprise_record",
    "enterprise_assessments",
    "registration",
    "aggregate_model",
    "enterprise_aggregates",
]

#: Columns an enterprise population can be grouped by.
GROUPINGS = ("sector", "region", "size_class")


def check_grouping(by: str) -> None:
    """Raise :class:`InputError` unless ``by`` is one of :data:`GROUPINGS`."""
    if by not in GROUPINGS:
        raise InputError.at("unknown grouping", column="by", value=by, expected=" | ".join(GROUPINGS))


@dataclass(frozen=True)
class EnterpriseAggregates(ResultMixin):
    """Suppressed aggregates of the enterprises' latest scores under one model
    (:func:`enterprise_aggregates`).

    ``frame``: the grouping columns, ``n``, ``mean``, ``q1``, ``median``, ``q3``, ``share_<level>`` …,
    ``suppressed``, ``suppression`` (margins carry ``ALL``); suppressed rows have every statistic NaN.
    """

    frame: pd.DataFrame
    by: tuple[str, ...]
    k: int
    model_code: str | None
    n_enterprises: int
    n_suppressed: int

    title_en = "Enterprise aggregates (small cells suppressed)"
    title_zh = "企业汇总（小单元格已抑制）"

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        yield ("分组" if zh else "by", " × ".join(self.by))
        yield ("模型" if zh else "model", self.model_code or "—")
        yield ("企业数" if zh else "enterprises", self.n_enterprises)
        yield ("最少企业数 k" if zh else "minimum enterprises k", self.k)
        yield ("抑制单元格" if zh else "suppressed cells", self.n_suppressed)

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        check_lang(lang)
        return self.frame.copy()


def enterprise_list(
    store: Store,
    *,
    uscc: str | None = None,
    sector: str | None = None,
    region: str | None = None,
    size_class: str | None = None,
    model_code: str | None = None,
) -> pd.DataFrame:
    """Registered enterprises with their latest assessment per model (one row per enterprise and model;
    an enterprise never assessed has one row with empty assessment columns). Columns ``uscc, name,
    region_code, sector_code, sector_scheme, size_class, assessment_id, model_code, model_version,
    taken_on, total_score, level``."""
    return enterprise_store.enterprises(
        store, uscc=uscc, sector=sector, region=region, size_class=size_class, model_code=model_code
    )


def registration(store: Store, uscc: str) -> pd.Series:
    """The registration of one enterprise (:data:`industrial_brain.store.enterprises.ENTERPRISE_COLUMNS`);
    :class:`InputError` on column ``uscc`` when it is not registered."""
    f = enterprise_store.registrations(store, uscc)
    if f.empty:
        raise InputError.at(
            "enterprise not registered",
            column="uscc",
            value=uscc,
            expected="the USCC of a registered enterprise",
        )
    return f.iloc[0]


#: Fields of one assessment in an enterprise record (``latest`` entries and the flat fields).
ASSESSMENT_FIELDS = ("model_code", "model_version", "assessment_id", "taken_on", "total_score", "level")


def enterprise_record(store: Store, uscc: str, *, model_code: str | None = None) -> dict[str, Any]:
    """One registered enterprise: ``uscc, name, region_code, sector_code, sector_scheme, size_class``;
    ``latest``, its latest assessment under each model (or only ``model_code``) as a list of
    :data:`ASSESSMENT_FIELDS` dicts (ISO dates); and those fields flat at the top level for the latest
    assessment under the default model of the aggregates (:func:`aggregate_model`: ``model_code`` when
    given, else the model with the most assessed enterprises) — all None when there is none."""
    reg = registration(store, uscc)
    rows = enterprise_list(store, uscc=uscc, model_code=model_code)
    rows = rows[rows["assessment_id"].notna()]
    latest = [
        {
            "model_code": r.model_code,
            "model_version": r.model_version,
            "assessment_id": r.assessment_id,
            "taken_on": str(r.taken_on)[:10],
            "total_score": None if pd.isna(r.total_score) else float(r.total_score),
            "level": r.level,
        }
        for r in rows.itertuples(index=False)
    ]
    default = aggregate_model(store, model_code)
    flat = next((a for a in latest if a["model_code"] == default), dict.fromkeys(ASSESSMENT_FIELDS))
    out = {
        c: (None if pd.isna(reg[c]) else str(reg[c]))
        for c in ("uscc", "name", "region_code", "sector_code", "sector_scheme", "size_class")
    }
    return out | flat | {"latest": latest}


def enterprise_assessments(store: Store, uscc: str) -> pd.DataFrame:
    """Every scored assessment of one registered enterprise, oldest first (dimension scores as JSON text)."""
    registration(store, uscc)
    return enterprise_store.enterprise_results(store, uscc)


def aggregate_model(store: Store, model_code: str | None = None) -> str | None:
    """The model an aggregate over enterprises is computed for: ``model_code`` when given, else the
    model under which the most enterprises have a stored result (ties: the first code); None when no
    result is stored."""
    if model_code is not None:
        return model_code
    counts = enterprise_store.model_enterprise_counts(store)
    return str(counts.index[0]) if len(counts) else None


def enterprise_aggregates(
    store: Store, by: Sequence[str] = ("sector",), *, model_code: str | None = None, k: int = 3
) -> EnterpriseAggregates:
    """Mean, quartiles and level shares of the enterprises' latest scores under one model, by one or two
    groupings (``sector``, ``region``, ``size_class``), with margins.

    Every cell (and margin) over fewer than ``k`` enterprises is suppressed, plus complementary cells
    so that none can be recovered from the margins (:func:`industrial_brain.micro.benchmarking.aggregate`).
    The model is :func:`aggregate_model`; each enterprise counts once, with its latest assessment.
    """
    by = tuple(dict.fromkeys(by or ("sector",)))
    for b in by:
        check_grouping(b)
    model = aggregate_model(store, model_code)
    f = enterprise_list(store, model_code=model) if model is not None else pd.DataFrame()
    f = f[f["total_score"].notna()] if len(f) else f
    if f.empty:
        empty = pd.DataFrame(columns=[*by, "n", "mean", "suppressed", "suppression"])
        return EnterpriseAggregates(empty, by, k, model, 0, 0)
    f = f.rename(columns={"sector_code": "sector", "region_code": "region"})
    f["level"] = f["level"].fillna("unknown").astype(str)
    t = aggregate(f, by, k=k, level_column="level")
    return EnterpriseAggregates(t.frame.reset_index(), by, k, model, len(f), t.n_primary + t.n_complementary)
