"""The audit of the macro pipeline's composite indices (COINr-style: framework, weights by method,
contributions, correlations, Cronbach's alpha, PCA, Monte Carlo rank intervals), as stored with a run.

The macro pipeline (:func:`industrial_brain.services.macro.run_macro`) audits each of its three
indices (:func:`industrial_brain.macro.index_audit`, ``audit_draws`` Monte Carlo draws) and stores the
audits with the run: :func:`audit_values` writes an audit as the run's long rows (measures
``audit.<role>.*`` and a ``meta.audit.<role>`` row), :func:`load_audit` rebuilds the same
:class:`~industrial_brain.macro.audit.IndexAuditResult` from them. Interfaces pick one audit from a
(reloaded) run with :func:`run_audit` and render it with :func:`audit_tables`; nothing is recomputed.
"""

from __future__ import annotations

import json
from typing import Any, Mapping

import numpy as np
import pandas as pd

from industrial_brain._shared.i18n import check_lang
from industrial_brain._shared.results import readonly
from industrial_brain.errors import InputError
from industrial_brain.lineage import Lineage
from industrial_brain.macro import IndexAuditResult, IndexSystem
from industrial_brain.macro.audit import POOLED
from industrial_brain.services.results import value_rows

__all__ = ["audit_values", "load_audit", "run_audit", "audit_tables", "AUDIT_PARTS"]

#: The tables :func:`audit_tables` gives, in order.
AUDIT_PARTS = (
    "indicators",
    "dimension_weights",
    "contributions",
    "rank_intervals",
    "correlations",
    "flags",
    "alpha",
    "pca",
)
_RANK_COLUMNS = ("nominal", "median", "p05", "p95", "mean")
_ALPHA_COLUMNS = ("alpha", "k", "n")


def _year(period: str) -> int | None:
    return None if period == POOLED else int(period)


def _period(year: Any) -> str:
    return POOLED if year is None or pd.isna(year) else str(int(year))


# ----------------------------------------------------------------------------- storage
def audit_values(audit: IndexAuditResult, role: str) -> pd.DataFrame:
    """The audit as long run rows ``region_code, year, measure, value, label`` (see the module doc)."""
    p = f"audit.{role}"
    parts: list[pd.DataFrame] = []

    def add(region, year, measure, value):
        parts.append(value_rows(region, year, measure, value))

    idx = audit.contributions.index
    reg = idx.get_level_values(0).to_numpy(dtype=object)
    yr = idx.get_level_values(1).to_numpy()
    add(reg, yr, f"{p}.score", audit.score.reindex(idx).to_numpy(dtype=float))
    for c in audit.contributions.columns:
        add(reg, yr, f"{p}.contrib.{c}", audit.contributions[c].to_numpy(dtype=float))
    ri = audit.rank_intervals
    if len(ri):
        r_reg = ri.index.get_level_values(0).to_numpy(dtype=object)
        r_yr = ri.index.get_level_values(1).to_numpy()
        for c in _RANK_COLUMNS:
            add(r_reg, r_yr, f"{p}.rank.{c}", ri[c].to_numpy(dtype=float))
    rows: list[tuple] = []
    for m in audit.weights.columns:
        rows += [(None, None, f"{p}.weight.{m}", float(v), str(k)) for k, v in audit.weights[m].items()]
        rows += [
            (None, None, f"{p}.dim_weight.{m}", float(v), str(k))
            for k, v in audit.dimension_weights[m].items()
        ]
    codes = list(audit.correlations.columns)
    for period in audit.periods:
        R = audit.correlations.xs(period, level=0).to_numpy(dtype=float)
        y = _year(period)
        iu, ju = np.triu_indices(len(codes))
        rows += [(None, y, f"{p}.corr", float(R[i, j]), f"{codes[i]}|{codes[j]}") for i, j in zip(iu, ju)]
    for (period, block), a in audit.alpha.iterrows():
        rows += [(None, _year(period), f"{p}.alpha.{c}", float(a[c]), str(block)) for c in _ALPHA_COLUMNS]
    for e in audit.eigenvalues.itertuples():
        rows.append((None, _year(e.period), f"{p}.eig", float(e.eigenvalue), f"{e.block}|{e.component}"))
    rows += [(None, None, f"{p}.sens", float(v), str(k)) for k, v in audit.sensitivity.items()]
    meta = {
        "normalization": audit.normalization,
        "aggregation": audit.aggregation,
        "weighting": audit.weighting,
        "methods": list(audit.weights.columns),
        "contributions": list(audit.contributions.columns),
        "codes": codes,
        "periods": audit.periods,
        "blocks": list(dict.fromkeys(audit.alpha.index.get_level_values(1))),
        "sensitivity": [str(k) for k in audit.sensitivity.index],
        "draws": audit.draws,
        "seed": audit.seed,
        "collinear": audit.collinear,
        "notes": list(audit.notes),
        "lineage": audit.lineage.to_dict(),
    }
    rows.append((None, None, f"meta.{p}", np.nan, json.dumps(meta, ensure_ascii=False, sort_keys=True)))
    parts.append(pd.DataFrame(rows, columns=["region_code", "year", "measure", "value", "label"]))
    return pd.concat(parts, ignore_index=True)


def load_audit(
    values: pd.DataFrame, role: str, system: IndexSystem, index: pd.MultiIndex
) -> IndexAuditResult | None:
    """The audit of ``role`` rebuilt from a run's long ``values`` (None if the run stored none).

    ``index`` is the run's ``(region_code, year)`` order; ``system`` the run's system of ``role``.
    """
    p = f"audit.{role}"
    sel = values[values["measure"].str.startswith(p + ".") | (values["measure"] == f"meta.{p}")]
    meta_rows = sel[sel["measure"] == f"meta.{p}"]
    if meta_rows.empty:
        return None
    meta = json.loads(meta_rows["label"].iloc[0])
    by = {m: g for m, g in sel.groupby("measure", sort=False)}

    def panel(measure: str, idx: pd.MultiIndex) -> np.ndarray:
        g = by[measure]
        s = pd.Series(
            g["value"].to_numpy(dtype=float),
            index=pd.MultiIndex.from_arrays(
                [g["region_code"].to_numpy(dtype=object), g["year"].astype("int64").to_numpy()]
            ),
        )
        return s.reindex(idx).to_numpy()

    def labelled(measure: str, order: list[str]) -> pd.Series:
        g = by.get(measure)
        if g is None:
            return pd.Series(np.nan, index=order, dtype=float)
        return pd.Series(g["value"].to_numpy(dtype=float), index=g["label"].astype(str).to_numpy()).reindex(
            order
        )

    def by_period(measure: str) -> dict[str, pd.DataFrame]:
        g = by.get(measure, pd.DataFrame(columns=["year", "value", "label"]))
        return {_period(y): gg for y, gg in g.groupby(g["year"].astype("Float64"), dropna=False, sort=False)}

    idx = index
    inds = system.indicator_codes
    dims = list(system.structure)
    score = pd.Series(panel(f"{p}.score", idx), index=idx, name="score")
    contrib = pd.DataFrame({c: panel(f"{p}.contrib.{c}", idx) for c in meta["contributions"]}, index=idx)
    weights = pd.DataFrame({m: labelled(f"{p}.weight.{m}", inds) for m in meta["methods"]})
    weights.index.name = "indicator"
    dim_weights = pd.DataFrame({m: labelled(f"{p}.dim_weight.{m}", dims) for m in meta["methods"]})
    dim_weights.index.name = "dimension"
    codes = meta["codes"]
    pos = {c: i for i, c in enumerate(codes)}
    corr_rows = by_period(f"{p}.corr")
    mats = []
    for period in meta["periods"]:
        g = corr_rows[period]
        R = np.full((len(codes), len(codes)), np.nan)
        for lab, val in zip(g["label"].astype(str), g["value"].to_numpy(dtype=float)):
            a, b = lab.split("|")
            R[pos[a], pos[b]] = R[pos[b], pos[a]] = val
        mats.append(
            pd.DataFrame(
                R,
                columns=codes,
                index=pd.MultiIndex.from_product([[period], codes], names=["period", "code"]),
            )
        )
    correlations = pd.concat(mats)
    alpha_rows = []
    per = {c: by_period(f"{p}.alpha.{c}") for c in _ALPHA_COLUMNS}
    for period in meta["periods"]:
        cols = {c: _labelled_in(per[c][period], meta["blocks"]) for c in _ALPHA_COLUMNS}
        for b in meta["blocks"]:
            alpha_rows.append(
                {
                    "period": period,
                    "block": b,
                    "alpha": cols["alpha"][b],
                    "k": int(cols["k"][b]),
                    "n": int(cols["n"][b]),
                }
            )
    alpha = pd.DataFrame(alpha_rows).set_index(["period", "block"])
    eig_rows = []
    eig = by_period(f"{p}.eig")
    for period in meta["periods"]:
        g = eig.get(period)
        if g is None:
            continue
        for lab, val in zip(g["label"].astype(str), g["value"].to_numpy(dtype=float)):
            block, comp = lab.rsplit("|", 1)
            eig_rows.append({"period": period, "block": block, "component": int(comp), "eigenvalue": val})
    eigenvalues = pd.DataFrame(eig_rows, columns=["period", "block", "component", "eigenvalue"])
    rank_of = {
        (pp, b): i for i, (pp, b) in enumerate((pp, b) for pp in meta["periods"] for b in meta["blocks"])
    }
    key = [rank_of[(pp, b)] for pp, b in zip(eigenvalues["period"], eigenvalues["block"])]
    eigenvalues = (
        eigenvalues.assign(_k=key).sort_values(["_k", "component"], kind="stable").drop(columns="_k")
    ).reset_index(drop=True)
    if f"{p}.rank.nominal" in by:
        ranks = pd.DataFrame({c: panel(f"{p}.rank.{c}", idx) for c in _RANK_COLUMNS}, index=idx)
        ranks.index.names = list(idx.names)
    else:
        ranks = pd.DataFrame(
            columns=list(_RANK_COLUMNS),
            index=pd.MultiIndex.from_arrays([[], []], names=idx.names),
            dtype=float,
        )
    sens = (
        labelled(f"{p}.sens", meta["sensitivity"]).rename("S_i")
        if meta["sensitivity"]
        else pd.Series(dtype=float, name="S_i")
    )
    lineage = Lineage.from_dict(meta["lineage"])
    for obj in (weights, dim_weights, contrib, correlations, alpha, eigenvalues):
        readonly(obj)
    return IndexAuditResult(
        system=system,
        normalization=meta["normalization"],
        aggregation=meta["aggregation"],
        weighting=meta["weighting"],
        weights=weights,
        dimension_weights=dim_weights,
        score=readonly(score),
        contributions=contrib,
        correlations=correlations,
        alpha=alpha,
        eigenvalues=eigenvalues,
        rank_intervals=ranks,
        sensitivity=sens,
        draws=int(meta["draws"]),
        seed=meta["seed"],
        collinear=float(meta["collinear"]),
        notes=tuple(meta["notes"]),
        lineage=lineage,
    )


def _labelled_in(rows: pd.DataFrame, order: list[str]) -> pd.Series:
    """Values of ``rows`` keyed by their label, in ``order``."""
    return pd.Series(rows["value"].to_numpy(dtype=float), index=rows["label"].astype(str).to_numpy()).reindex(
        order
    )


# ----------------------------------------------------------------------------- views
def run_audit(audits: Mapping[str, IndexAuditResult], system: str) -> tuple[str, IndexAuditResult]:
    """``(role, audit)`` of a run's audits (``MacroRun.audits``) by role (``digital``, ``real``,
    ``nqpf``) or by index-system code.

    Raises
    ------
    InputError
        The run stored no audits (a run of an older version, or ``audit_draws=None``), or no index
        of the run has this role or code.
    """
    if not audits:
        raise InputError.at(
            "the macro run stored no index audit",
            column="run_id",
            expected="a run of the current pipeline (ibrain macro run), which audits every index",
        )
    if system in audits:
        return system, audits[system]
    for role, a in audits.items():
        if a.system.code == system:
            return role, a
    known = [f"{r} ({a.system.code})" for r, a in audits.items()]
    raise InputError.at(
        "no index of the run has this role or system code",
        column="system",
        value=system,
        expected=", ".join(known),
    )


def audit_tables(
    audit: IndexAuditResult, year: int | None = None, lang: str = "en", names: Mapping[str, str] | None = None
) -> dict[str, pd.DataFrame]:
    """The audit as tables (keys :data:`AUDIT_PARTS`), for one year (default: the latest).

    ``indicators``: framework, weights by method, mean contribution share, r with the dimension and the
    index (pooled); ``dimension_weights``; ``contributions`` of each indicator to each province's score
    in ``year`` (long, provinces by score); ``rank_intervals`` in ``year`` (widest first);
    ``correlations``, ``flags``, ``alpha`` and ``pca`` of ``year``'s cross-section. ``names`` maps
    region codes to the names shown beside them.
    """
    check_lang(lang)
    years = sorted({int(y) for y in audit.contributions.index.get_level_values(1)})
    y = years[-1] if year is None else int(year)
    if y not in years:
        raise InputError.at(
            "the audit has no such year", column="year", value=year, expected=f"{years[0]}–{years[-1]}"
        )
    names = dict(names or {})
    ind = audit.to_frame(lang).reset_index()
    dw = audit.dimension_weights.reset_index()
    c = audit.contributions.xs(y, level=1)
    s = audit.score.xs(y, level=1)
    order = s.sort_values(ascending=False, kind="stable").index
    long = c.loc[order].stack().rename("contribution").reset_index()
    long.columns = ["region_code", "indicator", "contribution"]
    tot = long.groupby("region_code")["contribution"].transform("sum")
    long["share"] = long["contribution"] / tot.where(tot != 0)
    long.insert(1, "name", long["region_code"].map(names).fillna(long["region_code"]))
    long.insert(2, "score", long["region_code"].map(s))
    long.insert(2, "year", y)
    long.insert(4, "dimension", long["indicator"].map(audit.system.dimension_of))
    ri = audit.rank_intervals
    if len(ri):
        ri = audit.widest(y, len(ri.xs(y, level=1))).reset_index()
        ri.columns = ["region_code", *ri.columns[1:]]
        ri.insert(1, "name", ri["region_code"].map(names).fillna(ri["region_code"]))
        ri.insert(2, "year", y)
    else:
        ri = pd.DataFrame(columns=["region_code", "name", "year", *_RANK_COLUMNS, "width"])
    period = str(y) if str(y) in audit.periods else POOLED
    R = audit.correlation_matrix(period)
    corr = R.rename_axis("code").reset_index()
    alpha = audit.alpha.xs(period, level=0).reset_index()
    return {
        "indicators": ind,
        "dimension_weights": dw,
        "contributions": long,
        "rank_intervals": ri,
        "correlations": corr,
        "flags": audit.flags(period),
        "alpha": alpha,
        "pca": audit.pca(period).reset_index(),
    }
