"""Enterprises for the interfaces: the registry with each enterprise's latest assessment per model,
one enterprise's record and assessments, and the published aggregates over enterprises (read from
releases, :mod:`industrial_brain.services.releases`).

Reads through :mod:`industrial_brain.store.enterprises` (the one definition of "latest": per
enterprise and model code). Aggregates are always over one model — two models' scores are not
comparable, and an enterprise must not count twice — and they are served from the latest stored
release, whose cells were suppressed and audited against every earlier release by
:mod:`industrial_brain.micro.disclosure`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import pandas as pd

from industrial_brain._shared.i18n import check_lang
from industrial_brain._shared.results import ResultMixin
from industrial_brain.errors import InputError
from industrial_brain.services import releases
from industrial_brain.store import enterprises as enterprise_store
from industrial_brain.store.connection import Store
from industrial_brain.store.reference import sectors as registered_sectors

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
    """Suppressed aggregates of the enterprises' latest scores under one model, as published in its
    latest release (:func:`enterprise_aggregates`).

    ``frame``: the grouping columns, ``n``, ``mean``, ``q1``, ``median``, ``q3``, ``share_<level>`` …,
    ``suppressed``, ``suppression`` (``primary`` / ``dominance`` / ``complementary`` / ``release`` /
    empty; margins carry ``ALL``); suppressed rows have every statistic NaN, and quartiles and shares
    are NaN below the release's ``n_min``. ``release_id``, ``made_at`` (UTC), ``period``, ``p`` and
    ``n_min`` describe the release.
    """

    frame: pd.DataFrame
    by: tuple[str, ...]
    k: int
    model_code: str | None
    n_enterprises: int
    n_suppressed: int
    release_id: str | None = None
    made_at: str | None = None
    period: str | None = None
    p: float | None = None
    n_min: int | None = None

    title_en = "Enterprise aggregates (small cells suppressed)"
    title_zh = "企业汇总（小单元格已抑制）"

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        yield ("分组" if zh else "by", " × ".join(self.by))
        yield ("模型" if zh else "model", self.model_code or "—")
        yield ("企业数" if zh else "enterprises", self.n_enterprises)
        yield ("最少企业数 k" if zh else "minimum enterprises k", self.k)
        yield ("抑制单元格" if zh else "suppressed cells", self.n_suppressed)
        if self.release_id:
            yield ("发布版本" if zh else "release", f"{self.release_id} ({self.made_at})")

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
    search: str | None = None,
) -> pd.DataFrame:
    """Registered enterprises with their latest assessment per model (one row per enterprise and model;
    an enterprise never assessed has one row with empty assessment columns). Columns ``uscc, name,
    region_code, sector_code, sector_scheme, size_class, assessment_id, model_code, model_version,
    taken_on, total_score, level``. ``search``: name or USCC contains this text (case-insensitive)."""
    return enterprise_store.enterprises(
        store,
        uscc=uscc,
        sector=sector,
        region=region,
        size_class=size_class,
        model_code=model_code,
        search=search,
    )


def sector_labels(store: Store, lang: str = "en") -> dict[str, str]:
    """Enterprise sector code → its name in ``lang`` from the registered sectors (the published
    reference's sectors, ``Electronics`` → 电子, and any scheme an ingest registered); codes of the
    IO tables' schemes are left out (their names come with each table)."""
    f = registered_sectors(store)
    f = f[~f["scheme"].astype(str).str.startswith(("nbs", "io", "cn_"))]
    col = "name_zh" if check_lang(lang) == "zh" else "name_en"
    return {str(c): str(n) for c, n in zip(f["code"], f[col]) if isinstance(n, str) and n}


def with_sector_names(
    frame: pd.DataFrame, store: Store, lang: str = "en", column: str = "sector"
) -> pd.DataFrame:
    """``frame`` with ``sector_name`` (the label of ``column`` in ``lang``, the code where none is
    registered) right after ``column``."""
    if column not in frame.columns:
        return frame
    labels = sector_labels(store, lang)
    out = frame.copy()
    names = [labels.get(str(c), c) for c in out[column].tolist()]
    out.insert(
        out.columns.get_loc(column) + 1, "sector_name", pd.Series(names, index=out.index, dtype=object)
    )
    return out


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
    groupings (``sector``, ``region``, ``size_class``), with margins — **as published in the latest
    release** of that model (:func:`industrial_brain.services.releases.make_release`); nothing is
    computed here.

    The release applies the threshold rule (fewer than its ``k`` enterprises), the p% dominance rule,
    complementary suppression within and across its tables, quartiles and shares only from ``n_min``
    enterprises, and an audit against every earlier release (:mod:`industrial_brain.micro.disclosure`).
    The model is :func:`aggregate_model`. ``k`` is kept for callers of the earlier signature: the
    release's own ``k`` applies and is reported. When the model has scored assessments but no release,
    :class:`InputError` says to make one (``ibrain assess release``); with no assessments the table is
    empty.
    """
    by = tuple(dict.fromkeys(by or ("sector",)))
    for b in by:
        check_grouping(b)
    model = aggregate_model(store, model_code)
    t = releases.latest_release(store, by, model) if model is not None else None
    if t is None:
        if model is not None and model in enterprise_store.model_enterprise_counts(store).index:
            raise InputError.at(
                "no release of enterprise aggregates yet for this model",
                column="model",
                value=model,
                expected="a release: make one with 'ibrain assess release' "
                "(or POST /api/v1/enterprises/releases as admin)",
            )
        empty = pd.DataFrame(columns=[*by, "n", "mean", "suppressed", "suppression"])
        return EnterpriseAggregates(empty, by, k, model, 0, 0)
    h = t.header
    return EnterpriseAggregates(
        t.frame,
        by,
        int(h["k"]),
        model,
        int(h["n_enterprises"]),
        int(t.frame["suppressed"].sum()),
        release_id=h["release_id"],
        made_at=h["made_at"],
        period=h["period"],
        p=float(h["p"]),
        n_min=int(h["n_min"]),
    )
