"""Vectorised evaluation of alarm rules over a long panel, with the evidence of every alert.

The panel ``region_code, indicator_code, year, value`` is laid out once as a dense indicator ×
region × year cube. Each rule (:mod:`industrial_brain.monitor.rules`) computes its measure over the
in-scope slice of the cube in whole-array numpy operations, turns it into signals (fire / clear /
hold, the two thresholds of the hysteresis) and the signals into **episodes**: an episode opens in
the year the rule fires for a subject and lasts until the year it clears (``clear_after``
consecutive clear years), so a series that stays beyond the threshold gives one episode, not one
per year. Each episode is one alert record with its evidence: the values and the measure in the year
it fired and the latest year, the rule and its thresholds, what the measure was made of (previous
value, peers' centre and scale, ranks, coordination levels, the screening's sentence, the forecast),
and the lineage of the data passed in. :mod:`industrial_brain.monitor.states` turns successive
evaluations into alert states.

Subjects: a rule × region × indicator (``dedup: indicator``) or rule × region (``dedup: region``:
the region's in-scope indicators share one alert, named by the one that fired first and worst).

Missing years hold the state (neither fire nor clear). Values noted by the quality screening with
severity ``error`` (pass the notes as ``quality``) are left out and counted in the notes, as the
default analyses do.

The hysteresis is a two-threshold (Schmitt) trigger; the level-break kind calls the screening's test
(:func:`industrial_brain.quality.panel_checks.check_level_breaks`), and the coordination classes are
those of :func:`industrial_brain.macro.coupling.coordination_level`.
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping, Sequence

import numpy as np
import pandas as pd

from industrial_brain._shared.frames import panel_arrays
from industrial_brain._shared.i18n import check_lang, label
from industrial_brain._shared.results import ResultMixin
from industrial_brain.errors import InputError, MethodError
from industrial_brain.lineage import Lineage
from industrial_brain.macro.coupling import COORDINATION_LEVELS, coordination_level
from industrial_brain.monitor.forecasting import MIN_OBS, forecast
from industrial_brain.monitor.rules import SEVERITIES, RuleSet, load_rules
from industrial_brain.quality.panel_checks import check_level_breaks, panel_cube

__all__ = ["EPISODE_COLUMNS", "Evaluation", "evaluate", "subject_key"]

#: Columns of :attr:`Evaluation.alerts` (one row per episode).
EPISODE_COLUMNS: tuple[str, ...] = (
    "subject",
    "rule",
    "kind",
    "severity",
    "region_code",
    "indicator_code",
    "year",
    "last_year",
    "cleared_year",
    "active",
    "value",
    "measure",
    "fire",
    "clear",
    "direction",
    "message_en",
    "message_zh",
    "evidence",
)
#: What the measure of each kind is (en, zh), for messages and evidence.
_MEASURE_NAMES = {
    "threshold": ("value", "数值"),
    "yoy_change": ("year-on-year change", "同比变化"),
    "peer_zscore": ("z-score among peers", "相对同组地区的 z 值"),
    "trend_break": ("level break (1 = break)", "水平突变（1 = 突变）"),
    "rank_drop": ("places lost in the ranking", "排名下降位次"),
    "coordination_downgrade": ("coordination levels lost", "协调等级下降级数"),
    "chain_exposure": ("exposure share", "暴露份额"),
    "forecast": ("forecast bound", "预测界值"),
}


def subject_key(rule: str, region_code: str, indicator_code: str | None) -> str:
    """The de-duplication key: one open alert per subject (``*`` for a region-level subject).

    Examples
    --------
    >>> subject_key("gdp_contraction", "420000", "gdp_100m_cny")
    'gdp_contraction|420000|gdp_100m_cny'
    """
    return f"{rule}|{region_code}|{indicator_code or '*'}"


# --------------------------------------------------------------------------------------------------
# the cube
@dataclass(frozen=True)
class _Cube:
    codes: np.ndarray  # (C,) indicator codes
    regions: np.ndarray  # (R,)
    years: np.ndarray  # (T,) consecutive
    V: np.ndarray  # (C, R, T)


def _codes(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(col.dtype, pd.CategoricalDtype):
        cat = col.cat.remove_unused_categories()
        return cat.cat.codes.to_numpy(), np.asarray(cat.cat.categories.astype(str), dtype=object)
    idx, uniq = pd.factorize(col, sort=True)
    return idx, np.asarray([str(u) for u in uniq], dtype=object)


def _cube(panel: pd.DataFrame) -> _Cube:
    y, v = panel_arrays(panel, "panel")
    ci, codes = _codes(panel["indicator_code"])
    ri, regions = _codes(panel["region_code"])
    if (ci < 0).any() or (ri < 0).any():
        raise InputError.at(
            "missing code",
            column="indicator_code" if (ci < 0).any() else "region_code",
            expected="a code in every row",
        )
    y0 = int(y.min()) if y.size else 0
    T = int(y.max()) - y0 + 1 if y.size else 0
    C, R = len(codes), len(regions)
    lin = ci.astype(np.int64)  # flat cell index, built in place
    lin *= R
    lin += ri
    lin *= T
    lin += y
    lin -= y0
    V = np.full(C * R * T, np.nan)
    V[lin] = v
    # a duplicated key: its cell holds the row written last, so the earlier row does not find itself
    rows = np.arange(lin.size, dtype=np.int64)
    cell_row = np.empty(C * R * T, dtype=np.int64)
    cell_row[lin] = rows
    dup = np.flatnonzero(cell_row[lin] != rows)
    if dup.size:
        k = int(lin[dup[0]])
        raise InputError.at(
            "duplicate observation",
            column="region_code, indicator_code, year",
            value=f"{regions[(k // T) % R]}, {codes[k // (R * T)]}, {y0 + k % T}",
            expected="one value per key",
        )
    return _Cube(codes, regions, np.arange(y0, y0 + T), V.reshape(C, R, T))


def _mask_quality(cube: _Cube, quality: pd.DataFrame | None) -> int:
    """Set cells noted with severity 'error' to NaN (in place); return how many were observed."""
    if quality is None or len(quality) == 0:
        return 0
    q = quality[
        (quality["severity"] == "error")
        & quality["region_code"].notna()
        & quality["indicator_code"].notna()
        & quality["year"].notna()
    ]
    c = pd.Index(cube.codes).get_indexer(q["indicator_code"].astype(str))
    r = pd.Index(cube.regions).get_indexer(q["region_code"].astype(str))
    t = q["year"].astype("int64").to_numpy() - (int(cube.years[0]) if cube.years.size else 0)
    ok = (c >= 0) & (r >= 0) & (t >= 0) & (t < cube.years.size)
    c, r, t = c[ok], r[ok], t[ok]
    n = int(np.isfinite(cube.V[c, r, t]).sum())
    cube.V[c, r, t] = np.nan
    return n


# --------------------------------------------------------------------------------------------------
# measures per kind
@dataclass
class _Measure:
    M: np.ndarray  # (C', R, T) the measure
    value: np.ndarray  # (C', R, T) the value reported with it
    codes: np.ndarray  # (C',) indicator codes of axis 0
    extras: dict[str, np.ndarray] = field(default_factory=dict)  # arrays (C', R, T) for the evidence
    cell: dict[tuple[int, int, int], dict] = field(default_factory=dict)  # per-cell evidence


def _lag(X: np.ndarray, k: int = 1) -> np.ndarray:
    out = np.full_like(X, np.nan)
    if k < X.shape[2]:
        out[:, :, k:] = X[:, :, :-k]
    return out


def _yoy(V: np.ndarray, change: str = "relative") -> tuple[np.ndarray, np.ndarray]:
    P = _lag(V)
    with np.errstate(divide="ignore", invalid="ignore"):
        if change == "relative":
            M = np.where(P > 0, V / P - 1.0, np.nan)
        else:
            M = V - P
    return M, P


def _peer_groups(rule: Any, regions: np.ndarray, groups: Mapping[str, str] | None) -> list[np.ndarray]:
    """Index arrays of the regions of each peer group."""
    if rule.peers == "all":
        return [np.arange(len(regions))]
    if rule.groups is not None:
        of = {str(r): g for g, members in rule.groups.items() for r in members}
    elif groups is not None:
        of = {str(r): str(g) for r, g in groups.items() if g is not None}
    else:
        raise InputError.at(
            "peer groups needed",
            column=f"rules.{rule.code}.groups",
            expected="groups in the rule or a region → group mapping passed to evaluate",
        )
    lab = np.array([of.get(str(r)) for r in regions], dtype=object)
    return [np.flatnonzero(lab == g) for g in sorted({g for g in lab if g is not None})]


def _m_threshold(rule: Any, V: np.ndarray, codes: np.ndarray, ctx: dict) -> _Measure:
    return _Measure(V, V, codes)


def _m_yoy(rule: Any, V: np.ndarray, codes: np.ndarray, ctx: dict) -> _Measure:
    M, P = _yoy(V, rule.change)
    return _Measure(M, V, codes, {"previous": P})


def _peer_stats(G: np.ndarray, robust: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Centre, scale and count of the peers ``G`` (indicators × peers × years), per indicator-year."""
    n = np.sum(np.isfinite(G), axis=1, keepdims=True)
    with _quiet():
        if robust:
            m = np.nanmedian(G, axis=1, keepdims=True)
            s = 1.4826 * np.nanmedian(np.abs(G - m), axis=1, keepdims=True)
        else:
            m = np.nanmean(G, axis=1, keepdims=True)
            s = np.nanstd(G, axis=1, ddof=1, keepdims=True)
    return m, s, n.astype(float)


def _m_zscore(rule: Any, V: np.ndarray, codes: np.ndarray, ctx: dict) -> _Measure:
    X = _yoy(V)[0] if rule.of == "yoy" else V
    groups = _peer_groups(rule, ctx["regions"], ctx["groups"])
    if len(groups) == 1 and groups[0].size == X.shape[1]:  # one group of all: statistics broadcast
        m, s, n = _peer_stats(X, rule.robust)
        stats = [np.broadcast_to(a, X.shape) for a in (m, s, n)]
        if groups[0].size < rule.min_peers:
            stats[2] = np.broadcast_to(np.zeros(1), X.shape)
    else:
        stats = [np.full_like(X, np.nan), np.full_like(X, np.nan), np.zeros(X.shape)]
        for idx in groups:
            if idx.size >= rule.min_peers:
                for full, part in zip(stats, _peer_stats(X[:, idx, :], rule.robust)):
                    full[:, idx, :] = np.broadcast_to(part, (X.shape[0], idx.size, X.shape[2]))
    centre, scale, npeers = stats
    with _quiet():
        ok = (npeers >= rule.min_peers) & (scale > 0)
        Z = np.where(ok, (X - centre) / np.where(ok, scale, 1.0), np.nan)
    return _Measure(Z, V, codes, {"x": X, "peer_centre": centre, "peer_scale": scale, "n_peers": npeers})


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence numpy's all-NaN-slice and invalid-value warnings (years with no peers)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def _best_previous(X: np.ndarray, window: int, best: str) -> np.ndarray:
    """Best (min or max) of the previous ``window`` years, ignoring missing years."""
    pick = np.fmin if best == "min" else np.fmax
    out = np.full_like(X, np.nan)
    for k in range(1, window + 1):
        out = pick(out, _lag(X, k))
    return out


def _min_rank(X: np.ndarray) -> np.ndarray:
    """Ranks along axis 1 (1 = smallest; ties share the smallest rank: ``rankdata(method="min")``),
    by one sort of the contiguous (indicator, year, region) layout; no NaN in ``X`` (±inf allowed).

    >>> _min_rank(np.array([[[5.0], [1.0], [5.0], [np.inf]]]))[0, :, 0].tolist()
    [2.0, 1.0, 2.0, 4.0]
    """
    A = np.ascontiguousarray(np.moveaxis(X, 1, -1))
    order = np.argsort(A, axis=-1)
    s = np.take_along_axis(A, order, axis=-1)
    new = np.ones(s.shape, dtype=bool)
    new[..., 1:] = s[..., 1:] != s[..., :-1]
    first = np.where(new, np.arange(A.shape[-1]), 0)
    np.maximum.accumulate(first, axis=-1, out=first)
    out = np.empty(A.shape)
    np.put_along_axis(out, order, first + 1.0, axis=-1)
    return np.moveaxis(out, -1, 1)


def _m_rank(rule: Any, V: np.ndarray, codes: np.ndarray, ctx: dict) -> _Measure:
    rank = np.full_like(V, np.nan)
    npeers = np.zeros(V.shape, dtype=float)
    sign = -1.0 if rule.better == "higher" else 1.0
    for idx in _peer_groups(rule, ctx["regions"], ctx["groups"]):
        G = V[:, idx, :]
        # missing values rank last (+inf) and are blanked after
        with np.errstate(invalid="ignore"):
            r = _min_rank(np.where(np.isnan(G), np.inf, sign * G))
        rank[:, idx, :] = np.where(np.isnan(G), np.nan, r)
        npeers[:, idx, :] = np.broadcast_to(np.sum(np.isfinite(G), axis=1, keepdims=True), G.shape)
    best = _best_previous(rank, rule.window, "min")
    return _Measure(rank - best, V, codes, {"rank": rank, "best_previous_rank": best, "n_peers": npeers})


def _m_coordination(rule: Any, V: np.ndarray, codes: np.ndarray, ctx: dict) -> _Measure:
    fin = np.isfinite(V)
    L = np.full_like(V, np.nan)
    if fin.any():
        L[fin] = coordination_level(V[fin])
    best = _best_previous(L, rule.window, "max")
    return _Measure(best - L, V, codes, {"level": L, "best_previous_level": best})


def _m_exposure(rule: Any, V: np.ndarray, codes: np.ndarray, ctx: dict) -> _Measure:
    with np.errstate(invalid="ignore"):
        bad = np.isfinite(V) & ((V < 0) | (V > 1))
    if bad.any():
        c, r, t = np.argwhere(bad)[0]
        raise InputError.at(
            f"rule '{rule.code}': an exposure share must lie in [0, 1]",
            column=str(codes[c]),
            value=float(V[c, r, t]),
            expected="a share of output (0–1), not a percentage",
        )
    if rule.combine == "each":
        return _Measure(V, V, codes)
    seen = np.any(np.isfinite(V), axis=0, keepdims=True)
    with _quiet():
        A = (
            np.nanmax(V, axis=0, keepdims=True)
            if rule.combine == "max"
            else np.nansum(V, axis=0, keepdims=True)
        )
        top = np.argmax(np.where(np.isfinite(V), V, -1.0), axis=0)[None].astype(float)
    A = np.where(seen, A, np.nan)
    ctx["combined_from"] = codes
    return _Measure(
        A,
        A,
        np.array([rule.combined_code], dtype=object),
        {
            "top_indicator": np.where(seen, top, np.nan),
            "top_share": np.where(seen, np.nanmax(np.where(seen, V, 0.0), axis=0, keepdims=True), np.nan),
        },
    )


def _m_break(rule: Any, V: np.ndarray, codes: np.ndarray, ctx: dict) -> _Measure:
    years = ctx["years"]
    # the cube as it is (views): no long frame of every cell built and factorized again
    cube = panel_cube(V, codes, ctx["regions"], years)
    notes = check_level_breaks(cube, "monitor", k=rule.k, min_jump=rule.min_jump, max_noise=rule.max_noise)
    M = np.where(np.isfinite(V) & np.isfinite(_lag(V)), 0.0, np.nan)
    m = _Measure(M, V, codes, {"previous": _lag(V)})
    if len(notes):
        nc = pd.Index(codes).get_indexer(notes["indicator_code"])
        nr = pd.Index(ctx["regions"]).get_indexer(notes["region_code"])
        nt = notes["year"].astype("int64").to_numpy() - int(years[0])
        M[nc, nr, nt] = 1.0
        for a, b, k, d in zip(nc, nr, nt, notes["detail"]):
            m.cell[(int(a), int(b), int(k))] = {"screening": d}
    return m


def _m_forecast(rule: Any, V: np.ndarray, codes: np.ndarray, ctx: dict) -> _Measure:
    M = np.full_like(V, np.nan)
    m = _Measure(M, V, codes)
    fin = np.isfinite(V)
    years = ctx["years"]
    skipped = 0
    for c, r in zip(*np.nonzero(fin.any(axis=2))):
        t_last = int(np.flatnonzero(fin[c, r])[-1])
        gaps = np.flatnonzero(~fin[c, r, : t_last + 1])
        t0 = int(gaps[-1] + 1) if gaps.size else 0
        n = t_last + 1 - t0
        if n < max(rule.min_obs, MIN_OBS):
            skipped += 1
            continue
        try:
            fc = forecast(
                V[c, r, t0 : t_last + 1],
                years[t0 : t_last + 1],
                horizon=rule.horizon,
                level=rule.level,
                method=rule.method,
            )
        except MethodError:
            skipped += 1
            continue
        below = rule.direction == "below"
        bound = {
            "point": fc.point,
            "interval": fc.lower if below else fc.upper,
            "beyond": fc.upper if below else fc.lower,
        }[rule.basis]
        worst = float(bound.min() if below else bound.max())
        h = int(np.argmin(bound) if below else np.argmax(bound))
        if rule.relative:
            worst = worst / fc.last_value - 1.0 if fc.last_value != 0 else np.nan
        M[c, r, t_last] = worst
        m.cell[(int(c), int(r), t_last)] = {
            **fc.evidence(),
            "basis": rule.basis,
            "worst_year": int(fc.years[h]),
            "worst_bound": float(bound[h]),
        }
    if skipped:
        ctx["notes"].append(f"rule '{rule.code}': {skipped} series too short or not forecastable, skipped")
    return m


_MEASURES = {
    "threshold": _m_threshold,
    "yoy_change": _m_yoy,
    "peer_zscore": _m_zscore,
    "trend_break": _m_break,
    "rank_drop": _m_rank,
    "coordination_downgrade": _m_coordination,
    "chain_exposure": _m_exposure,
    "forecast": _m_forecast,
}


# --------------------------------------------------------------------------------------------------
# signals → episodes
def _signals(rule: Any, M: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fire and clear masks of the two-threshold trigger (NaN: neither)."""
    with np.errstate(invalid="ignore"):
        if rule.direction == "above":
            return M >= rule.fire, M < rule.clear
        return M <= rule.fire, M > rule.clear


def _active(fire: np.ndarray, clear: np.ndarray, clear_after: int) -> np.ndarray:
    """Whether the trigger is on after each year: the last fire or confirmed clear decides.

    A clear is confirmed after ``clear_after`` consecutive clear years.
    """
    if clear_after > 1:
        conf = clear.copy()
        for k in range(1, clear_after):
            sh = np.zeros_like(clear)
            sh[..., k:] = clear[..., :-k]
            conf &= sh
        clear = conf
    T = fire.shape[-1]
    sig = np.where(fire, np.int8(1), np.where(clear, np.int8(-1), np.int8(0)))
    pos = np.where(sig != 0, np.arange(T, dtype=np.int32), np.int32(-1))
    last = np.maximum.accumulate(pos, axis=-1)
    on = np.take_along_axis(sig, np.maximum(last, 0), axis=-1) == 1
    return on & (last >= 0), last


def _episodes(active: np.ndarray) -> pd.DataFrame:
    """Episodes ``(c, r, t0, t_end)`` of an activity cube; ``t_end`` -1 while still active."""
    C, R, T = active.shape
    prev = np.zeros_like(active)
    prev[..., 1:] = active[..., :-1]
    s = np.argwhere(active & ~prev)
    e = np.argwhere(~active & prev)
    if not len(s):
        return pd.DataFrame({"c": [], "r": [], "t0": [], "t1": []}, dtype="int64")

    def ordinal(a: np.ndarray) -> np.ndarray:
        sid = a[:, 0].astype(np.int64) * R + a[:, 1]
        first = np.r_[0, np.flatnonzero(np.diff(sid)) + 1]
        cnt = np.diff(np.r_[first, len(sid)])
        return sid * (T + 1) + (np.arange(len(sid)) - np.repeat(first, cnt))

    # the k-th start of a subject pairs with its k-th end, if it has one
    ks = ordinal(s)
    t1 = np.full(len(s), -1, dtype=np.int64)
    if len(e):
        ke = ordinal(e)
        pos = np.minimum(np.searchsorted(ke, ks), len(ke) - 1)
        t1 = np.where(ke[pos] == ks, e[pos, 2], -1)
    return pd.DataFrame({"c": s[:, 0], "r": s[:, 1], "t0": s[:, 2], "t1": t1})


# --------------------------------------------------------------------------------------------------
# records
def _fmt_measure(rule: Any, x: float | None) -> str:
    if x is None:
        return "NaN"
    rel = (rule.kind == "yoy_change" and rule.change == "relative") or (
        rule.kind == "forecast" and rule.relative
    )
    if rel:
        return f"{x:+.1%}"
    if rule.kind in ("rank_drop", "coordination_downgrade", "trend_break"):
        return f"{x:g}"
    return f"{x:,.4g}"


def _messages(
    rule: Any, region: str, indicator: str, year: int, x: float | None, fired: dict
) -> tuple[str, str]:
    """The alert in one sentence per language (codes, not names: the services put the labels on)."""
    en_m, zh_m = _MEASURE_NAMES[rule.kind]
    when_en, when_zh = f"in {year}", f"{year} 年"
    if rule.kind == "forecast" and "worst_year" in fired:  # the year forecast, seen from the last one
        w = fired["worst_year"]
        when_en, when_zh = f"for {w} (forecast from {year})", f"{w} 年（基于 {year} 年及以前数据预测）"
    ge = "≥" if rule.direction == "above" else "≤"
    cl_en = "below" if rule.direction == "above" else "above"
    cl_zh = "低于" if rule.direction == "above" else "高于"
    f, c, v = _fmt_measure(rule, rule.fire), _fmt_measure(rule, rule.clear), _fmt_measure(rule, x)
    en = f"{rule.name_en}: {indicator} of {region}, {en_m} {v} {when_en} "
    en += f"(fires at {ge} {f}, clears {cl_en} {c})"
    zh = f"{rule.name_zh}：{region} {indicator} {when_zh}{zh_m} {v}（触发阈值 {ge} {f}，{cl_zh} {c} 时解除）"
    return en, zh


def _level_name(x: float | None) -> dict | None:
    if x is None:
        return None
    lv = COORDINATION_LEVELS[int(x)]
    return {"level": int(x), "zh": lv[3], "en": lv[4]}


def _values(a: np.ndarray, c: np.ndarray, r: np.ndarray, t: np.ndarray) -> list:
    """``a[c, r, t]`` as Python floats, None where missing (or where ``t`` is -1)."""
    x = a[c, r, np.maximum(t, 0)].astype(float).tolist()
    return [None if (tt < 0 or v != v or v in (np.inf, -np.inf)) else v for v, tt in zip(x, t.tolist())]


def _records(rule: Any, ep: pd.DataFrame, m: _Measure, last: np.ndarray, ctx: dict) -> list[dict]:
    """One alert record per episode; the cells are gathered per array, not per episode."""
    years, regions = ctx["years"], ctx["regions"]
    c, r = ep["c"].to_numpy(np.int64), ep["r"].to_numpy(np.int64)
    t0, t1 = ep["t0"].to_numpy(np.int64), ep["t1"].to_numpy(np.int64)
    tl = last[c, r, np.where(t1 >= 0, t1 - 1, years.size - 1)].astype(np.int64)
    at = {"fired": t0, "latest": tl, "cleared": t1}
    cols = {
        when: {"value": _values(m.value, c, r, t), "measure": _values(m.M, c, r, t)} for when, t in at.items()
    }
    for k, arr in m.extras.items():
        cols["fired"][k] = _values(arr, c, r, t0)
    extra_keys = list(m.extras)
    out = []
    for i, (ci, ri, a0, al, a1) in enumerate(
        zip(c.tolist(), r.tolist(), t0.tolist(), tl.tolist(), t1.tolist())
    ):
        region, indicator = str(regions[ri]), str(m.codes[ci])
        fired = {
            "year": int(years[a0]),
            "value": cols["fired"]["value"][i],
            "measure": cols["fired"]["measure"][i],
        }
        for k in extra_keys:
            fired[k] = cols["fired"][k][i]
        if rule.kind == "coordination_downgrade":
            fired["level"] = _level_name(fired["level"])
            fired["best_previous_level"] = _level_name(fired["best_previous_level"])
        if rule.kind == "chain_exposure" and fired.get("top_indicator") is not None:
            fired["top_indicator"] = str(ctx["combined_from"][int(fired["top_indicator"])])
        fired.update(m.cell.get((ci, ri, a0), {}))
        latest = {
            "year": int(years[al]),
            "value": cols["latest"]["value"][i],
            "measure": cols["latest"]["measure"][i],
            **m.cell.get((ci, ri, al), {}),
        }
        cleared = (
            None
            if a1 < 0
            else {
                "year": int(years[a1]),
                "value": cols["cleared"]["value"][i],
                "measure": cols["cleared"]["measure"][i],
            }
        )
        ev = {
            "rule": rule.code,
            "kind": rule.kind,
            "rule_set": ctx["rule_set"],
            "measure": _MEASURE_NAMES[rule.kind][0],
            "direction": rule.direction,
            "fire": rule.fire,
            "clear": rule.clear,
            "clear_after": rule.clear_after,
            "fired": fired,
            "latest": latest,
            "cleared": cleared,
            "data_lineage": ctx["data_lineage"],
        }
        en, zh = _messages(rule, region, indicator, fired["year"], fired["measure"], fired)
        out.append(
            {
                "subject": subject_key(rule.code, region, indicator if rule.dedup == "indicator" else None),
                "rule": rule.code,
                "kind": rule.kind,
                "severity": rule.severity,
                "region_code": region,
                "indicator_code": indicator,
                "year": fired["year"],
                "last_year": latest["year"],
                "cleared_year": None if cleared is None else cleared["year"],
                "active": cleared is None,
                "value": fired["value"],
                "measure": fired["measure"],
                "fire": float(rule.fire),
                "clear": float(rule.clear),
                "direction": rule.direction,
                "message_en": en,
                "message_zh": zh,
                "evidence": ev,
            }
        )
    return out


def _episode_frame(records: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame.from_records(records, columns=list(EPISODE_COLUMNS))
    df["year"] = df["year"].astype("int64")
    df["last_year"] = df["last_year"].astype("int64")
    df["cleared_year"] = pd.array(df["cleared_year"].tolist(), dtype="Int64")
    df["active"] = df["active"].astype(bool)
    for col in ("value", "measure", "fire", "clear"):
        df[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
    sev = {s: i for i, s in enumerate(SEVERITIES)}
    order = df["severity"].map(sev)
    return (
        df.assign(_o=order)
        .sort_values(["_o", "rule", "region_code", "indicator_code", "year"], kind="stable")
        .drop(columns="_o")
        .reset_index(drop=True)
    )


def _collapse_regions(active: np.ndarray, m: _Measure, fire: np.ndarray, direction: str) -> tuple:
    """One subject per region: active if any in-scope indicator is; the indicator named is, at each
    year, the firing one with the most extreme measure."""
    any_on = active.any(axis=0, keepdims=True)
    with np.errstate(invalid="ignore"):
        score = np.where(fire, m.M if direction == "above" else -m.M, -np.inf)
    pick = np.argmax(np.where(np.isnan(score), -np.inf, score), axis=0)  # (R, T)
    return any_on, pick


# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Evaluation(ResultMixin):
    """Alerts of one evaluation of a rule set over a panel.

    Attributes
    ----------
    alerts : DataFrame
        One row per episode (:data:`EPISODE_COLUMNS`), historical (``cleared_year`` set) and ongoing
        (``active``), most severe first; ``evidence`` holds a JSON-able dict per alert.
    rules : RuleSet
    regions, indicators : tuple of str
        What the panel held (a subject outside them was not evaluated).
    evaluated : tuple of str
        Codes of the rules that were evaluated (enabled and with at least one series in scope).
    years : tuple of int
        First and last year of the panel.
    lineage : Lineage
    notes : tuple of str
    """

    alerts: pd.DataFrame
    rules: RuleSet
    regions: tuple[str, ...]
    indicators: tuple[str, ...]
    evaluated: tuple[str, ...]
    years: tuple[int, int]
    lineage: Lineage
    notes: tuple[str, ...] = ()

    title_en = "Alarm rule evaluation"
    title_zh = "预警规则评估"

    @property
    def active(self) -> pd.DataFrame:
        """The episodes still open at the end of the panel."""
        return self.alerts[self.alerts["active"]].reset_index(drop=True)

    def covers(self, rule: str, region_code: str, indicator_code: str | None) -> bool:
        """Whether this evaluation judged the subject (so that its silence means "cleared")."""
        if rule not in self.evaluated or region_code not in self.regions:
            return False
        kind = self.rules.rule(rule).kind
        return kind == "chain_exposure" or indicator_code in (None, "*") or indicator_code in self.indicators

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """The alerts without the evidence, the message in ``lang``."""
        check_lang(lang)
        df = self.alerts.drop(columns=["evidence", "message_zh" if lang == "en" else "message_en"])
        df = df.rename(columns={"message_en": "message", "message_zh": "message"})
        return df.rename(columns=lambda c: label(c, lang))

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        yield ("规则集" if zh else "rule set", self.rules.code)
        yield ("规则数" if zh else "rules evaluated", len(self.evaluated))
        yield ("年份" if zh else "years", f"{self.years[0]}–{self.years[1]}")
        yield ("预警（历次）" if zh else "alert episodes", len(self.alerts))
        yield ("当前未解除" if zh else "active now", int(self.alerts["active"].sum()))


def _resolve_rules(rules: RuleSet | str | os.PathLike | None) -> RuleSet:
    if rules is None:
        return load_rules()
    if isinstance(rules, RuleSet):
        return rules
    return load_rules(rules)


def _data_lineage(lineage: Lineage | Mapping[str, Any] | None) -> dict[str, Any] | None:
    if lineage is None:
        return None
    if isinstance(lineage, Lineage):
        return lineage.to_dict()
    return json.loads(json.dumps(dict(lineage), default=str))


def _in_scope(values: np.ndarray, wanted: Sequence[str]) -> np.ndarray:
    return np.ones(len(values), bool) if not wanted else np.isin(values.astype(str), list(wanted))


def evaluate(
    panel: pd.DataFrame,
    rules: RuleSet | str | os.PathLike | None = None,
    *,
    lineage: Lineage | Mapping[str, Any] | None = None,
    tags: Mapping[str, Iterable[str]] | None = None,
    groups: Mapping[str, str] | None = None,
    quality: pd.DataFrame | None = None,
) -> Evaluation:
    """Evaluate a rule set over a long panel and return every alert episode with its evidence.

    Parameters
    ----------
    panel : DataFrame
        ``region_code, indicator_code, year, value`` (one value per key; engine outputs such as the
        coupling coordination degree ``D`` are rows like any indicator).
    rules : RuleSet, str or path, optional
        A rule set, the name of a shipped one or a YAML file (default: the shipped ``default``).
    lineage : Lineage or mapping, optional
        Where the panel came from (datasets with sha256, run ids); copied into every alert's evidence.
    tags : mapping, optional
        Indicator code → tags, for rules scoped by tag.
    groups : mapping, optional
        Region code → peer group (e.g. the NBS four regions) for ``peers: groups`` without groups of
        their own.
    quality : DataFrame, optional
        Quality notes (``region_code, indicator_code, year, severity``); cells noted ``error`` are
        left out.

    Returns
    -------
    Evaluation

    Examples
    --------
    GDP of one region falls 5 % in 2020 and recovers in 2021: one episode, fired 2020, cleared 2021.

    >>> from industrial_brain.monitor.rules import parse_rules
    >>> rs = parse_rules({"code": "demo", "rules": [{"code": "gdp_drop", "kind": "yoy_change",
    ...     "name_zh": "生产总值下降", "name_en": "GDP falls", "why": "a fall needs a look",
    ...     "direction": "below", "fire": -0.01, "clear": 0.0}]})
    >>> panel = pd.DataFrame({"region_code": "420000", "indicator_code": "gdp", "year": range(2017, 2023),
    ...                       "value": [100.0, 108.0, 115.0, 109.0, 126.0, 133.0]})
    >>> ev = evaluate(panel, rs)
    >>> ev.alerts[["rule", "region_code", "year", "cleared_year", "active"]].values.tolist()
    [['gdp_drop', '420000', 2020, 2021, False]]
    >>> round(float(ev.alerts.loc[0, "measure"]), 4)
    -0.0522
    """
    rs = _resolve_rules(rules)
    cube = _cube(panel)
    masked = _mask_quality(cube, quality)
    ctx: dict[str, Any] = {
        "years": cube.years,
        "regions": cube.regions,
        "groups": groups,
        "notes": [],
        "rule_set": rs.code,
        "data_lineage": _data_lineage(lineage),
    }
    if masked:
        ctx["notes"].append(f"{masked} value(s) noted as errors by the quality screening left out")
    tagged = {str(k): {str(t) for t in v} for k, v in (tags or {}).items()}
    records: list[dict] = []
    evaluated = []
    for rule in rs.enabled:
        cmask = _in_scope(cube.codes, rule.scope.indicators)
        if rule.scope.tags:
            cmask &= np.array([bool(tagged.get(str(c), set()) & set(rule.scope.tags)) for c in cube.codes])
        rmask = _in_scope(cube.regions, rule.scope.regions)
        if not cmask.any() or not rmask.any() or cube.years.size == 0:
            continue
        evaluated.append(rule.code)
        V = cube.V if cmask.all() else cube.V[cmask]
        ctx["regions"] = cube.regions if rmask.all() else cube.regions[rmask]
        V = V if rmask.all() else V[:, rmask, :]
        m = _MEASURES[rule.kind](rule, V, cube.codes[cmask], ctx)
        fire, clear = _signals(rule, m.M)
        active, last = _active(fire, clear, rule.clear_after)
        if rule.dedup == "region" and len(m.codes) > 1:
            any_on, pick = _collapse_regions(active, m, fire, rule.direction)
            ep = _episodes(any_on)
            ep["c"] = pick[ep["r"].to_numpy(), ep["t0"].to_numpy()]
            # the region's trigger: last signal of any indicator
            last = np.broadcast_to(np.max(last, axis=0, keepdims=True), last.shape)
        else:
            ep = _episodes(active)
        records += _records(rule, ep, m, last, ctx)
    lin = Lineage.make(
        "monitor.evaluate",
        {
            "rule_set": rs.code,
            "rules": list(evaluated),
            "rules_sha256": hashlib.sha256(rs.model_dump_json().encode()).hexdigest(),
        },
        datasets=lineage.datasets if isinstance(lineage, Lineage) else (),
    )
    return Evaluation(
        alerts=_episode_frame(records),
        rules=rs,
        regions=tuple(map(str, cube.regions)),
        indicators=tuple(map(str, cube.codes)),
        evaluated=tuple(evaluated),
        years=(int(cube.years[0]), int(cube.years[-1])) if cube.years.size else (0, 0),
        lineage=lin,
        notes=tuple(ctx["notes"]),
    )
