"""Releases of enterprise aggregates: make one (all tables, audited against every earlier release,
stored atomically) and read the latest.

A release is the only source of published aggregates over enterprises
(:func:`industrial_brain.services.enterprises.enterprise_aggregates` reads it); the rules are
:mod:`industrial_brain.micro.disclosure`. The membership of each cell (which assessment counted
where) is stored with the release for the next audit; it is core-grade and never served.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import re
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

import numpy as np
import pandas as pd

from industrial_brain._shared.i18n import check_lang
from industrial_brain._shared.results import ResultMixin
from industrial_brain.errors import InputError
from industrial_brain.micro.disclosure import (
    GROUPINGS,
    SENSITIVE,
    ReleaseAudit,
    audit_release,
    publish_tables,
    release_cells,
    table_name,
)
from industrial_brain.store import enterprises as enterprise_store
from industrial_brain.store import releases as release_store
from industrial_brain.store.connection import Store

__all__ = [
    "MIN_K",
    "MIN_N_MIN",
    "Release",
    "ReleaseTable",
    "make_release",
    "release_list",
    "latest_release",
    "release_model",
]

#: Smallest threshold a release accepts (the audit is exact for groups of fewer than 3 firms).
MIN_K = 3
#: Smallest n_min for quartiles (below 5, mean and quartiles are as many equations as members).
MIN_N_MIN = 5


@dataclass(frozen=True)
class Release(ResultMixin):
    """A stored release: ``header`` (id, model, UTC time, period, k, p, n_min, enterprises, maker),
    ``tables`` (every published cell of every table) and the ``audit`` that cleared it."""

    header: dict
    tables: pd.DataFrame
    audit: ReleaseAudit

    title_en = "Release of enterprise aggregates"
    title_zh = "企业汇总发布版本"

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        h = self.header
        yield ("版本" if zh else "release", h["release_id"])
        yield ("模型" if zh else "model", h["model_code"])
        yield ("时间 (UTC)" if zh else "made at (UTC)", h["made_at"])
        yield ("期间" if zh else "period", h.get("period") or "—")
        yield ("企业数" if zh else "enterprises", h["n_enterprises"])
        yield ("k, p, n_min", f"{h['k']}, {h['p']:g}, {h['n_min']}")
        yield ("审核撤回" if zh else "withheld by the audit", len(self.audit.dropped))

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """Per table: cells, published, and suppressed by reason."""
        check_lang(lang)
        t = self.tables
        out = t.groupby("table", sort=False).agg(
            cells=("key", "size"), published=("suppressed", lambda s: int((~s).sum()))
        )
        for reason in ("primary", "dominance", "complementary", "release"):
            out[reason] = t.groupby("table", sort=False)["suppression"].apply(
                lambda s, r=reason: int((s == r).sum())
            )
        return out


@dataclass(frozen=True)
class ReleaseTable:
    """One table of a stored release (:func:`latest_release`): ``frame`` with the grouping columns in
    the order asked, ``n, mean, q1, median, q3, share_<level> …, suppressed, suppression``."""

    frame: pd.DataFrame
    by: tuple[str, ...]
    header: dict


def release_model(store: Store, model_code: str | None = None) -> str | None:
    """``model_code`` when given, else the model with the most assessed enterprises (None: none)."""
    if model_code is not None:
        return model_code
    counts = enterprise_store.model_enterprise_counts(store)
    return str(counts.index[0]) if len(counts) else None


def _level_order(levels: Iterable[str]) -> list[str]:
    def key(s: str):
        m = re.fullmatch(r"L(\d+)", s)
        return (0, int(m.group(1)), s) if m else (1, 0, s)

    return sorted(set(levels), key=key)


def make_release(
    store: Store,
    *,
    model_code: str | None = None,
    period: str | None = None,
    k: int = 3,
    p: float = 10.0,
    n_min: int = 10,
    nk: tuple[int, float] | None = None,
    made_by: str | None = None,
    progress: Callable[[float], None] | None = None,
) -> Release:
    """Make, audit and store a release of every table (sector, region, size_class and their three
    pairs) over the latest scored assessment of each enterprise under one model.

    The candidate is audited against every earlier release of the same model
    (:func:`industrial_brain.micro.disclosure.audit_release`); the cells the audit withholds are
    published as ``suppression='release'``. Header, cells and membership are written in one
    transaction with an audit row (action ``release``): a failure stores nothing.
    """
    if k < MIN_K:
        raise InputError.at("threshold k too small", column="k", value=k, expected=f"an integer >= {MIN_K}")
    if not 0 <= p <= 100 or not math.isfinite(p):
        raise InputError.at("p must be a percentage", column="p", value=p, expected="0 … 100")
    if n_min < max(MIN_N_MIN, k):
        raise InputError.at(
            "n_min too small for quartiles",
            column="n_min",
            value=n_min,
            expected=f"an integer >= {max(MIN_N_MIN, k)} (quartiles of fewer members identify them)",
        )
    if period is not None and len(period) > 40:
        raise InputError.at(
            "period label too long", column="period", value=period[:40], expected="<= 40 characters"
        )
    step = progress or (lambda f: None)
    model = release_model(store, model_code)
    frame = (
        enterprise_store.assessment_results(store, model_code=model, latest=True, dimensions=False)
        if model is not None
        else pd.DataFrame()
    )
    if len(frame):
        frame = frame[frame["total_score"].notna()]
    if frame.empty:
        raise InputError.at(
            "no scored assessments to release",
            column="model",
            value=model_code,
            expected="a model code with stored assessment results (see 'ibrain assess models --db')",
        )
    frame = frame.assign(level=frame["level"].fillna("unknown").astype(str))
    step(0.1)
    levels = _level_order(frame["level"])
    cand = release_cells(frame, k=k, p=p, nk=nk, level_codes=levels)
    step(0.3)
    made_at = _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)
    release_id = f"{model}-{made_at:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"
    hist_cells, hist_members = release_store.audit_history(store, model)
    c = cand.cells
    now_cells = pd.DataFrame(
        {
            "release_id": release_id,
            "key": c.index.astype(str),
            "n": c["n"].to_numpy(dtype=np.float64),
            "published": (c["suppression"] == "").to_numpy(),
            "sensitive": c["suppression"].isin(SENSITIVE).to_numpy(),
            "candidate": True,
        }
    )
    hist_cells = hist_cells.assign(candidate=False)
    all_cells = pd.concat([hist_cells, now_cells], ignore_index=True) if len(hist_cells) else now_cells
    now_members = cand.members.assign(release_id=release_id)
    all_members = (
        pd.concat([hist_members, now_members], ignore_index=True) if len(hist_members) else now_members
    )
    audit = audit_release(all_cells, all_members, k=k)
    step(0.8)
    tables = publish_tables(cand, audit.dropped, n_min=n_min)
    share_cols = [f"share_{lv}" for lv in levels if f"share_{lv}" in tables.columns]
    shares = [
        None
        if all(pd.isna(v) for v in row)
        else json.dumps({lv: (None if pd.isna(v) else float(v)) for lv, v in zip(levels, row)})
        for row in tables[share_cols].itertuples(index=False)
    ]
    cells_out = pd.DataFrame(
        {
            "table_name": tables["table"],
            "cell_key": tables["key"],
            **{g: tables[g].astype(object) for g in GROUPINGS},
            **{s: tables[s].astype(np.float64) for s in ("n", "mean", "q1", "median", "q3")},
            "shares": shares,
            "suppressed": tables["suppressed"].astype(bool),
            "suppression": tables["suppression"].astype(str),
            "position": np.arange(len(tables), dtype=np.int64),
        }
    )
    members_out = pd.DataFrame(
        {
            "grouping": c.loc[cand.members["key"], "grouping"].to_numpy(),
            "cell_key": cand.members["key"].to_numpy(),
            "assessment_id": cand.members["contributor"].to_numpy(),
            "uscc": cand.members["unit"].to_numpy(),
        }
    )
    header = {
        "release_id": release_id,
        "model_code": model,
        "made_at": made_at,
        "period": period,
        "k": int(k),
        "p": float(p),
        "n_min": int(n_min),
        "n_enterprises": int(len(frame)),
        "made_by": made_by or store.actor,
        "levels": levels,
    }
    audit_json = {
        "rounds": audit.rounds,
        "rows": audit.rows,
        "atoms": audit.atoms,
        "rank": audit.rank,
        "withheld": list(audit.dropped),
        "clean": audit.clean,
        "nk": list(nk) if nk else None,
    }
    with store.transaction():
        release_store.insert_release(store, header, cells_out, members_out, audit_json)
        store.audit(
            "release",
            f"release:{release_id}",
            f"model={model} period={period} k={k} p={p:g} n_min={n_min} enterprises={len(frame)} "
            f"withheld={len(audit.dropped)}",
            actor=made_by,
        )
    step(1.0)
    header = header | {"made_at": f"{made_at:%Y-%m-%dT%H:%M:%SZ}"}
    return Release(header, tables, audit)


def release_list(store: Store, *, model_code: str | None = None) -> pd.DataFrame:
    """Release headers, newest first (``release_id, model_code, made_at, period, k, p, n_min,
    n_enterprises, made_by``)."""
    return release_store.releases(store, model_code=model_code)


def latest_release(store: Store, by: Sequence[str], model_code: str | None = None) -> ReleaseTable | None:
    """The table for ``by`` (one or two groupings, any order) of the latest release of the model
    (:func:`release_model`); None when that model has no release."""
    by = tuple(dict.fromkeys(by))
    model = release_model(store, model_code)
    if model is None:
        return None
    head = release_store.latest_release(store, model)
    if head is None:
        return None
    f = release_store.release_table(store, head["release_id"], table_name(by))
    levels = head["levels"]
    shares = [json.loads(s) if isinstance(s, str) else {} for s in f["shares"]]
    out = f[list(by)].copy()
    for s in ("n", "mean", "q1", "median", "q3"):
        out[s] = f[s].astype(np.float64)
    for lv in levels:
        out[f"share_{lv}"] = np.array(
            [d.get(lv, np.nan) if d.get(lv) is not None else np.nan for d in shares], dtype=np.float64
        )
    out["suppressed"] = f["suppressed"].astype(bool)
    out["suppression"] = f["suppression"].astype(str)
    return ReleaseTable(out.reset_index(drop=True), by, head)
