"""Quality screening of a long panel: pure checks over ``region_code, indicator_code, year, value``.

Each check takes plain pandas/numpy objects for one dataset and returns quality notes
(:data:`~industrial_brain.quality.notes.NOTE_COLUMNS`); :func:`screen_panel` runs them all. The
checks and their thresholds (see ``docs/data-quality.md`` for the rationale):

===============================  ================  ========  ======================================
check                            kind              severity  flags
===============================  ================  ========  ======================================
:func:`check_identities`         identity          error /   parts that exceed their total, parts
                                                   warning   that do not add up to it (``rtol``)
:func:`check_outliers`           outlier           error     a run of 1–3 years far off the line
                                                             between its neighbours, with the
                                                             series returning
:func:`check_level_breaks`       level_break       warning   one region's year-on-year jump far
                                                             outside what the other regions did
:func:`check_common_breaks`      level_break       warning   a year in which (nearly) every
                                                             region's growth leaves the usual range
:func:`check_duplicate_columns`  duplicate_column  error     two indicators equal in every row
:func:`check_scale`              scale             error /   typical magnitude < 1e-3 of the unit; a
                                                   warning   "%" indicator that never exceeds 1
:func:`check_negative`           negative          error /   negatives in a quantity that cannot be
                                                   warning / negative (declared or inferred)
                                                   info
:func:`check_partial_years`      partial_year      warning   trailing years in which established
                                                             series are missing for most regions
:func:`check_repeated_values`    repeated_value    warning   values carried forward unchanged
===============================  ================  ========  ======================================

Why hand-written: the checks are a few robust statistics (median, MAD, quantiles) over regional
panels; no maintained library screens official-statistics panels for vintage, definition and
price-base breaks, and the outlier packages (PyOD, statsmodels' robust tools) answer a different
question (multivariate anomaly scores, not "which cell, which year, why").

References
----------
.. [1] Hampel, F. R. (1974). The influence curve and its role in robust estimation. *JASA* 69(346),
   383–393 (median absolute deviation, scale factor 1.4826).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from industrial_brain._shared.frames import panel_arrays
from industrial_brain.errors import InputError
from industrial_brain.quality.notes import (
    SEVERITIES,
    check_dataset_id,
    check_params,
    empty_notes,
    fmt,
    note,
    notes_frame,
)

#: Accounting identities of the default panels. :func:`screen_panel` applies those whose codes are
#: all present in the data, so one list serves every dataset.
DEFAULT_IDENTITIES: tuple[dict[str, Any], ...] = (
    # GDP = primary + secondary + tertiary value added; with primary absent: secondary + tertiary <= GDP.
    {
        "total": "gdp_100m_cny",
        "parts": ["secondary_va_100m_cny", "tertiary_va_100m_cny"],
        "relation": "parts<=total",
    },
    # Industry (mining, manufacturing, utilities) is part of the secondary sector (with construction).
    {"total": "secondary_va_100m_cny", "parts": ["industrial_va_100m_cny"], "relation": "parts<=total"},
    # Non-fossil generation (hydro, nuclear, wind, solar) is part of all generation.
    {
        "total": "electricity_generation_100m_kwh",
        "parts": ["nonfossil_electricity_100m_kwh"],
        "relation": "parts<=total",
    },
    {
        "total": "nonfossil_electricity_100m_kwh",
        "parts": ["hydropower_generation_100m_kwh"],
        "relation": "parts<=total",
    },
    {
        "total": "grp_100m_cny",
        "parts": ["grp_primary_va_100m_cny", "grp_secondary_va_100m_cny", "grp_tertiary_va_100m_cny"],
        "relation": "sum==total",
        "rtol": 1e-4,
    },
    {
        "total": "postal_and_telecom_volume",
        "parts": ["postal_volume", "telecom_volume"],
        "relation": "sum==total",
        "rtol": 1e-4,
    },
)

_RELATIONS = ("parts<=total", "sum==total")
_MAD_TO_SD = 1.4826  # sd of a normal distribution per unit of median absolute deviation [1]


# --------------------------------------------------------------------------------------------------
# input handling: one dense indicator × region × year cube, built once
_CUBE_CELLS = 8_000_000  # cells per cube chunk (64 MB of float64)


def _check_int(name: str, v: Any, lo: int, message: str, hi: int | None = None) -> None:
    """Raise ``message`` unless ``v`` is an integer (not a bool) in [lo, hi] (hi None: no upper bound)."""
    if not isinstance(v, int) or isinstance(v, bool) or v < lo or (hi is not None and v > hi):
        raise InputError.at(message, column=name, value=v)


def _meta(indicators: pd.DataFrame | None) -> dict[str, dict[str, Any]]:
    """Indicator metadata keyed by code (unit, direction, min_value, max_value; missing → None)."""
    if indicators is None or len(indicators) == 0:
        return {}
    if not isinstance(indicators, pd.DataFrame) or "code" not in indicators.columns:
        cols = ", ".join(map(str, getattr(indicators, "columns", [])))
        raise InputError.at(
            "missing column",
            column="code",
            value=cols,
            expected="indicator metadata with columns code, unit, direction, min_value, max_value",
        )
    out: dict[str, dict[str, Any]] = {}
    for rec in indicators.to_dict("records"):
        clean = {}
        for k in ("unit", "direction", "min_value", "max_value", "name_en"):
            v = rec.get(k)
            clean[k] = None if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else v
        out[str(rec["code"])] = clean
    return out


def _nanmedian(a: np.ndarray, axis: int | None = None) -> Any:
    """Median ignoring NaN, by selection (numpy's ``nanmedian`` loops in Python over slices).

    The slices (along ``axis``) are grouped by their number n of values; each group is partitioned
    once at the middle positions ``(n-1)//2`` and ``n//2`` (``np.partition`` puts NaN last, as a sort
    would), an O(n) selection instead of an O(n log n) sort. Same values as a sort-based median.
    """
    a = np.asarray(a, dtype="float64")
    if axis is None:
        a, axis = a.ravel(), 0
    m = np.moveaxis(a, axis, -1)
    shape, L = m.shape[:-1], m.shape[-1]
    flat = m.reshape(int(np.prod(shape, dtype=np.int64)), L)
    n = L - np.sum(np.isnan(flat), axis=1) if L else np.zeros(len(flat), dtype=int)
    out = np.full(len(flat), np.nan)
    for k in np.unique(n[n > 0]):
        rows = n == k
        lo, hi = (int(k) - 1) // 2, int(k) // 2
        sub = flat if rows.all() else flat[rows]
        part = np.partition(sub, (lo, hi) if lo != hi else lo, axis=1)
        out[rows] = (part[:, lo] + part[:, hi]) / 2
    out = out.reshape(shape)
    return float(out) if out.ndim == 0 else out


def _mad_scale(a: np.ndarray, axis: int | None = None) -> Any:
    """Robust standard deviation: 1.4826 × median absolute deviation from the median [1]."""
    med = _nanmedian(a, axis=axis)
    dev = np.abs(a - (med if axis is None else np.expand_dims(med, axis)))
    return _MAD_TO_SD * _nanmedian(dev, axis=axis)


class _Cube(NamedTuple):
    codes: np.ndarray  # (C,) indicator codes
    regions: np.ndarray  # (R,) region codes, shared by every cube of a panel
    years: np.ndarray  # (T,) contiguous years, shared
    V: np.ndarray  # (C, R, T) values, NaN where missing


class _Growth(NamedTuple):
    L: np.ndarray  # (C, R, T) log level (NaN for values <= 0 or missing)
    G: np.ndarray  # (C, R, T-1) log growth; column t is years[t] -> years[t+1]
    m: np.ndarray  # (C, T-1) common (cross-regional median) growth
    E: np.ndarray  # (C, R, T-1) idiosyncratic growth G - m
    s: np.ndarray  # (C,) robust scale of E per indicator (NaN if too few values)


def _series_scale(gr: _Growth, cc: np.ndarray, ii: np.ndarray, min_series_obs: int = 5) -> np.ndarray:
    """Robust scale of the idiosyncratic growth of the series ``(cc[n], ii[n])`` (NaN if too short)."""
    G, E = gr.G[cc, ii], gr.E[cc, ii]
    Es = np.where(G == 0, np.nan, E)
    return np.where(np.sum(np.isfinite(Es), axis=1) >= min_series_obs, _mad_scale(Es, axis=1), np.nan)


def _growth(V: np.ndarray, *, min_regions: int = 3, min_obs: int = 8) -> _Growth:
    """Log growth, its cross-regional median per year and the robust scales of the deviations.

    The year median ``m`` is taken where at least ``min_regions`` regions report; elsewhere (a single
    series, sparse years) the indicator's pooled median growth stands in for it. Exactly zero growth
    (a value repeated from the year before) is left out of the scales: carried-forward values are
    :func:`check_repeated_values`' business and would otherwise shrink the scales to zero.
    """
    C, _, T = V.shape
    with np.errstate(divide="ignore", invalid="ignore"):
        L = np.where(V > 0, np.log(np.where(V > 0, V, 1.0)), np.nan)
    G = L[:, :, 1:] - L[:, :, :-1]
    if T < 2:
        return _Growth(L, G, np.zeros((C, 0)), G, np.full(C, np.nan))
    n = np.sum(np.isfinite(G), axis=1)
    pooled = _nanmedian(G.reshape(C, -1), axis=1)
    m = np.where(n >= min_regions, _nanmedian(G, axis=1), pooled[:, None])
    m = np.where(np.isfinite(m), m, 0.0)
    E = G - m[:, None, :]
    Es = np.where(G == 0, np.nan, E)
    flat = Es.reshape(C, -1)
    s = np.where(np.sum(np.isfinite(flat), axis=1) >= min_obs, _mad_scale(flat, axis=1), np.nan)
    return _Growth(L, G, m, E, s)


class _Data:
    """A prepared long panel as dense cubes (indicators in chunks), with growth statistics cached."""

    def __init__(self, obs: pd.DataFrame) -> None:
        y, vals = panel_arrays(obs)
        c_idx, codes = pd.factorize(obs["indicator_code"], sort=True)
        r_idx, regions = pd.factorize(obs["region_code"], sort=True)
        if (c_idx < 0).any() or (r_idx < 0).any():
            col = "indicator_code" if (c_idx < 0).any() else "region_code"
            raise InputError.at("missing code", column=col, expected="a code in every row")
        self.codes = np.array([str(c) for c in codes], dtype=object)
        self.regions = np.array([str(r) for r in regions], dtype=object)
        self.y0 = int(y.min()) if y.size else 0
        T = int(y.max()) - self.y0 + 1 if y.size else 0
        self.years = np.arange(self.y0, self.y0 + T)
        C, R = len(self.codes), len(self.regions)
        self.shape = (C, R, T)
        lin = (c_idx.astype("int64") * R + r_idx) * T + (y - self.y0)
        order = np.argsort(lin, kind="stable")
        lin_sorted = lin[order]
        dup = np.flatnonzero(lin_sorted[1:] == lin_sorted[:-1])
        if dup.size:
            k = order[dup[0] + 1]
            raise InputError.at(
                "duplicate observation",
                column="region_code, indicator_code, year",
                value=f"{regions[r_idx[k]]}, {codes[c_idx[k]]}, {y[k]}",
                expected="one value per key",
            )
        per = max(1, _CUBE_CELLS // max(1, R * T))
        self.cubes: list[_Cube] = []
        bounds = np.searchsorted(lin_sorted, np.arange(0, C + per, per) * R * T)
        for j, start in enumerate(range(0, C, per)):
            stop = min(C, start + per)
            V = np.full((stop - start, R, T), np.nan)
            sel = order[bounds[j] : bounds[j + 1]]
            V.reshape(-1)[lin[sel] - start * R * T] = vals[sel]
            self.cubes.append(_Cube(self.codes[start:stop], self.regions, self.years, V))
        self._growth: dict[int, _Growth] = {}

    @classmethod
    def from_cube(
        cls, V: np.ndarray, codes: Sequence[str], regions: Sequence[str], years: Sequence[int]
    ) -> _Data:
        """The same prepared panel from a dense ``(indicator, region, year)`` cube (NaN: missing; years
        consecutive), without the round trip through a long frame. The chunks are views of ``V``."""
        self = cls.__new__(cls)
        V = np.asarray(V, dtype="float64")
        if np.isinf(V).any():
            V = np.where(np.isfinite(V), V, np.nan)
        C, R, T = V.shape
        self.codes = np.array([str(c) for c in codes], dtype=object)
        self.regions = np.array([str(r) for r in regions], dtype=object)
        self.years = np.asarray(years, dtype="int64")
        self.y0 = int(self.years[0]) if T else 0
        self.shape = (C, R, T)
        per = max(1, _CUBE_CELLS // max(1, R * T))
        self.cubes = [
            _Cube(self.codes[a : a + per], self.regions, self.years, V[a : a + per]) for a in range(0, C, per)
        ]
        self._growth = {}
        return self

    def growth(self, j: int) -> _Growth:
        if j not in self._growth:
            self._growth[j] = _growth(self.cubes[j].V)
        return self._growth[j]

    def column(self, code: str) -> np.ndarray | None:
        """One indicator's region × year matrix (a view), or None if absent."""
        for cube in self.cubes:
            hit = np.flatnonzero(cube.codes == code)
            if hit.size:
                return cube.V[hit[0]]
        return None


def _data(obs: pd.DataFrame | _Data) -> _Data:
    return obs if isinstance(obs, _Data) else _Data(obs)


def panel_cube(V: np.ndarray, codes: Sequence[str], regions: Sequence[str], years: Sequence[int]) -> _Data:
    """A dense ``(indicator, region, year)`` cube (NaN where missing, consecutive years) prepared for
    the checks that take a long panel (:func:`check_level_breaks`, …): pass it as ``obs`` to skip
    building and re-reading a long frame of every cell."""
    return _Data.from_cube(V, codes, regions, years)


def _cell_note(
    dataset_id: str, kind: str, severity: str, detail: str, cube: _Cube, c: int, i: int, t: int
) -> dict:
    """A note on cell ``(c, i, t)`` of ``cube`` (indicator, region, year), found by the check ``kind``."""
    return note(
        dataset_id,
        kind,
        severity,
        detail,
        kind,
        indicator=cube.codes[c],
        region=cube.regions[i],
        year=int(cube.years[t]),
    )


# --------------------------------------------------------------------------------------------------
# accounting identities
def _check_rule(rule: Any, i: int) -> dict[str, Any]:
    if not isinstance(rule, Mapping):
        raise InputError.at(
            "identity rule must be a mapping",
            column=f"identities[{i}]",
            value=rule,
            expected="{'total': code, 'parts': [codes], 'relation': 'parts<=total'|'sum==total'}",
        )
    total, parts, rel = rule.get("total"), rule.get("parts"), rule.get("relation", "parts<=total")
    if not isinstance(total, str) or not total:
        raise InputError.at(
            "identity rule without a total",
            column=f"identities[{i}].total",
            value=total,
            expected="an indicator code",
        )
    if (
        isinstance(parts, str)
        or not isinstance(parts, Sequence)
        or not parts
        or not all(isinstance(p, str) and p for p in parts)
    ):
        raise InputError.at(
            "identity rule parts must be a non-empty list of codes",
            column=f"identities[{i}].parts",
            value=parts,
            expected="a list of indicator codes",
        )
    if rel not in _RELATIONS:
        raise InputError.at(
            "unknown identity relation",
            column=f"identities[{i}].relation",
            value=rel,
            expected=" | ".join(_RELATIONS),
        )
    rtol = rule.get("rtol", 1e-4)
    atol = rule.get("atol", 0.0)
    for name, v in (("rtol", rtol), ("atol", atol)):
        if not isinstance(v, (int, float)) or isinstance(v, bool) or not v >= 0:
            raise InputError.at("tolerance must be a number >= 0", column=f"identities[{i}].{name}", value=v)
    sev = rule.get("severity")
    if sev is not None and sev not in SEVERITIES:
        raise InputError.at(
            "unknown severity", column=f"identities[{i}].severity", value=sev, expected=" | ".join(SEVERITIES)
        )
    return {
        "total": total,
        "parts": list(parts),
        "relation": rel,
        "rtol": float(rtol),
        "atol": float(atol),
        "severity": sev,
    }


def check_identities(
    obs: pd.DataFrame,
    dataset_id: str,
    identities: Sequence[Mapping[str, Any]],
    *,
    error_rtol: float = 0.05,
    skip_missing: bool = True,
) -> pd.DataFrame:
    """Flag region-years where parts and their total disagree.

    Parameters
    ----------
    obs : DataFrame
        Long panel ``region_code, indicator_code, year, value``.
    dataset_id : str
    identities : sequence of mappings
        Each ``{"total": code, "parts": [codes], "relation": "parts<=total" | "sum==total",
        "rtol": 1e-4, "atol": 0, "severity": None}``.
    error_rtol : float
        For ``sum==total``, a relative gap above this is an ``'error'``, below it a ``'warning'``
        (mixed vintages typically differ by < 2 %).
    skip_missing : bool
        Skip rules whose codes are not all in ``obs`` (True); else raise :class:`InputError`.

    Returns
    -------
    DataFrame
        Quality notes (kind ``'identity'``), one per failing region-year, on the total.

    Notes
    -----
    With :math:`P = \\sum_k p_k` and total :math:`T`, ``parts<=total`` fails when
    :math:`P > T + \\max(\\mathrm{atol}, \\mathrm{rtol}\\,|T|)` (severity ``'error'``: some
    remainder, e.g. implied primary value added, would be negative) and ``sum==total`` fails when
    :math:`|P - T| > \\max(\\mathrm{atol}, \\mathrm{rtol}\\,|T|)`. Region-years missing any term are
    not judged.

    References
    ----------
    United Nations et al. (2009). *System of National Accounts 2008*, §6.75–6.79 (GDP as the sum of
    value added by activity).

    Examples
    --------
    Secondary + tertiary = 60 + 50 = 110 > GDP 100:

    >>> obs = pd.DataFrame({"region_code": "110000", "indicator_code": ["gdp", "sec", "ter"],
    ...                     "year": 2015, "value": [100.0, 60.0, 50.0]})
    >>> n = check_identities(obs, "demo", [{"total": "gdp", "parts": ["sec", "ter"]}])
    >>> n[["indicator_code", "year", "severity"]].values.tolist()
    [['gdp', 2015, 'error']]
    """
    dataset_id = check_dataset_id(dataset_id)
    check_params(error_rtol=error_rtol)
    rules = [_check_rule(r, i) for i, r in enumerate(identities or [])]
    d = _data(obs)
    records = []
    for rule in rules:
        codes = [rule["total"], *rule["parts"]]
        cols = [d.column(c) for c in codes]
        absent = [c for c, col in zip(codes, cols) if col is None]
        if absent:
            if skip_missing:
                continue
            raise InputError.at(
                "identity refers to an indicator not in the data",
                column="identities",
                value=absent[0],
                expected="one of " + ", ".join(d.codes[:10]),
            )
        T = cols[0]
        P = np.sum(cols[1:], axis=0)
        tol = np.maximum(rule["atol"], rule["rtol"] * np.abs(T))
        gap = P - T
        with np.errstate(invalid="ignore"):
            bad = (gap > tol) if rule["relation"] == "parts<=total" else (np.abs(gap) > tol)
        parts_txt = " + ".join(rule["parts"])
        for i, t in np.argwhere(bad & np.isfinite(gap)):
            t_val, p_val, g = T[i, t], P[i, t], gap[i, t]
            rel = g / abs(t_val) if t_val != 0 else float("inf")
            if rule["relation"] == "parts<=total":
                sev = rule["severity"] or "error"
                detail = (
                    f"{parts_txt} = {fmt(p_val)} exceeds {rule['total']} = {fmt(t_val)} "
                    f"by {fmt(g)} ({rel:+.2%}): the remainder would be negative"
                )
            else:
                sev = rule["severity"] or ("error" if abs(rel) > error_rtol else "warning")
                detail = (
                    f"{parts_txt} = {fmt(p_val)} differs from {rule['total']} = {fmt(t_val)} "
                    f"by {fmt(g)} ({rel:+.2%}; tolerance {rule['rtol']:g} relative): "
                    "parts and total from different vintages or a wrong value"
                )
            records.append(
                note(
                    dataset_id,
                    "identity",
                    sev,
                    detail,
                    "identity",
                    indicator=rule["total"],
                    region=d.regions[i],
                    year=int(d.years[t]),
                )
            )
    return notes_frame(records)


# --------------------------------------------------------------------------------------------------
# outliers: a run of years out of line with its neighbours
def _outlier_runs(
    gr: _Growth, *, k: float, min_dev: float, max_run: int, flank_share: float
) -> list[tuple[int, int, int, int, np.ndarray]]:
    """Runs ``(indicator, region, first col, last col, deviations)`` that leave and return to the trend.

    Entering a flagged run moves a series by at least ``(1 - flank_share/2)`` of the threshold
    relative to the common growth, so only series with such a jump are examined.
    """
    C, _, T = gr.L.shape
    if T < 3:
        return []
    thr_c = np.where(np.isfinite(gr.s), np.fmax(k * gr.s, min_dev), np.inf)  # (C,) indicator threshold
    with np.errstate(invalid="ignore"):
        cand = np.any(np.abs(gr.E) >= (1 - flank_share / 2) * thr_c[:, None, None], axis=2)
    cc, ii = np.nonzero(cand)
    if cc.size == 0:
        return []
    th = np.fmax(thr_c[cc], k * _series_scale(gr, cc, ii))[:, None]  # series' own scale on top
    M = np.concatenate([np.zeros((C, 1)), np.cumsum(gr.m, axis=1)], axis=1)  # common log-level path
    Rl = gr.L[cc, ii] - M[cc]  # (n, T): candidate series' levels relative to the common path
    taken = np.zeros(Rl.shape, dtype=bool)
    runs = []
    for run in range(1, max_run + 1):
        A = T - run - 1  # windows a = 1 .. T-run-1
        if A < 1:
            break
        left, right = Rl[:, :A], Rl[:, run + 1 : run + 1 + A]
        D = np.stack(
            [Rl[:, 1 + q : 1 + q + A] - (left + (right - left) * (q + 1) / (run + 1)) for q in range(run)],
            axis=2,
        )  # (n, A, run)
        with np.errstate(invalid="ignore"):
            small = np.min(np.abs(D), axis=2)
            ok = (
                (np.all(D > 0, axis=2) | np.all(D < 0, axis=2))
                & (small >= th)
                & (np.abs(right - left) <= flank_share * small)
            )
        for n, a0 in np.argwhere(ok):  # few hits: resolve overlaps in order
            a, b = a0 + 1, a0 + run
            if taken[n, a : b + 1].any():
                continue
            taken[n, a : b + 1] = True
            runs.append((int(cc[n]), int(ii[n]), int(a), int(b), D[n, a0].copy()))
    return runs


def check_outliers(
    obs: pd.DataFrame,
    dataset_id: str,
    indicators: pd.DataFrame | None = None,
    *,
    k: float = 6.0,
    min_dev: float = math.log(1.25),
    max_run: int = 3,
    flank_share: float = 0.5,
) -> pd.DataFrame:
    """Flag values out of line with their neighbours in time: a spike or dip that reverts.

    Parameters
    ----------
    obs : DataFrame
        Long panel ``region_code, indicator_code, year, value``.
    dataset_id : str
    indicators : DataFrame, optional
        Unused (kept for a uniform signature).
    k : float
        Threshold in robust standard deviations of idiosyncratic log growth.
    min_dev : float
        Smallest log deviation ever flagged (default log 1.25: a value 20 % below or 25 % above the
        line between its neighbours).
    max_run : int
        Longest run of consecutive wrong years looked for (1–5; default 3).
    flank_share : float
        The neighbours either side must agree with each other to within this share of the smallest
        deviation (else it is a level break, not an outlier).

    Returns
    -------
    DataFrame
        Quality notes, kind ``'outlier'``, severity ``'error'``, one per flagged cell.

    Notes
    -----
    With :math:`l_{it} = \\ln v_{it}`, common growth :math:`m_t = \\operatorname{median}_i
    (l_{it} - l_{i,t-1})` and the common path :math:`M_t = \\sum_{s \\le t} m_s`, each region's
    relative level is :math:`r_{it} = l_{it} - M_t`. For a run :math:`a..b` (length
    :math:`L \\le` ``max_run``) with both neighbours :math:`a-1, b+1` present, the deviation from the
    straight line between the neighbours is

    .. math:: d_{it} = r_{it} - \\Bigl[r_{i,a-1} + (r_{i,b+1} - r_{i,a-1})\\tfrac{t-a+1}{L+1}\\Bigr].

    The run is flagged when all :math:`d_{it}` have one sign, :math:`\\min |d_{it}| \\ge
    \\max(k\\hat\\sigma, k\\hat\\sigma_i, \\text{min\\_dev})` and :math:`|r_{i,b+1} - r_{i,a-1}| \\le`
    ``flank_share`` :math:`\\cdot \\min |d_{it}|` (the series comes back). :math:`\\hat\\sigma` is
    1.4826 × the median absolute deviation of the idiosyncratic growth
    :math:`l_{it} - l_{i,t-1} - m_t` over the indicator, :math:`\\hat\\sigma_i` the same over region
    :math:`i`'s series (so a volatile series, such as a small province's hydropower, needs a larger
    excursion). Only positive values enter (logs); zeros and gaps split a series.

    References
    ----------
    Hampel, F. R. (1974). The influence curve and its role in robust estimation. *JASA* 69(346),
    383–393.

    Examples
    --------
    Three regions grow 5 % a year; region 340000 reports 1 instead of about 146 in 2024
    (:math:`\\ln(1/145.9) = -4.98`):

    >>> yrs = range(2018, 2027)
    >>> rows = [(r, "gdp", y, 100 * 1.05 ** (y - 2018) * f) for r, f in
    ...         [("110000", 1.0), ("120000", 1.1), ("340000", 1.2)] for y in yrs]
    >>> obs = pd.DataFrame(rows, columns=["region_code", "indicator_code", "year", "value"])
    >>> obs.loc[(obs.region_code == "340000") & (obs.year == 2024), "value"] = 1.0
    >>> n = check_outliers(obs, "demo")
    >>> n[["region_code", "year", "severity"]].values.tolist()
    [['340000', 2024, 'error']]
    """
    dataset_id = check_dataset_id(dataset_id)
    check_params(k=k, min_dev=min_dev, flank_share=flank_share)
    _check_int("max_run", max_run, 1, "max_run must be an integer from 1 to 5", hi=5)
    d = _data(obs)
    records = []
    for j, cube in enumerate(d.cubes):
        for c, i, a, b, D in _outlier_runs(
            d.growth(j), k=k, min_dev=min_dev, max_run=max_run, flank_share=flank_share
        ):
            V = cube.V[c]
            y_prev, y_next = int(cube.years[a - 1]), int(cube.years[b + 1])
            for jj, col in enumerate(range(a, b + 1)):
                y = int(cube.years[col])
                detail = (
                    f"{fmt(V[i, col])} in {y} is out of line with {fmt(V[i, a - 1])} ({y_prev}) and "
                    f"{fmt(V[i, b + 1])} ({y_next}): ×{math.exp(D[jj]):.3g} the level implied by its "
                    "neighbours and the other regions' growth"
                    + (f" (one of {b - a + 1} consecutive such years)" if b > a else "")
                    + "; probably a wrong value (unit, typo or wrong scope)"
                )
                records.append(_cell_note(dataset_id, "outlier", "error", detail, cube, c, i, col))
    return notes_frame(records)


# --------------------------------------------------------------------------------------------------
# level breaks
def check_level_breaks(
    obs: pd.DataFrame | _Data,
    dataset_id: str,
    indicators: pd.DataFrame | None = None,
    *,
    k: float = 6.0,
    min_jump: float = 0.10,
    max_noise: float = 0.10,
    mask_outliers: bool = True,
    outlier_min_dev: float = math.log(1.25),
) -> pd.DataFrame:
    """Flag one region's year-on-year jump far outside what the other regions did that year.

    Parameters
    ----------
    obs : DataFrame
        Long panel ``region_code, indicator_code, year, value`` (or a :func:`panel_cube`).
    dataset_id : str
    indicators : DataFrame, optional
        Unused (kept for a uniform signature).
    k : float
        Threshold in robust standard deviations of idiosyncratic log growth.
    min_jump : float
        Smallest log jump ever flagged (0.10: about 10 %), so that very smooth series (population)
        are not flagged for ordinary revisions of a few per cent.
    max_noise : float
        Only smooth indicators are judged: those whose robust scale of idiosyncratic log growth is at
        most this (0.10). In volatile series (hydropower with the rain, R&D spending of small
        provinces, gas output of marginal fields) a break cannot be told from the noise.
    mask_outliers : bool
        Leave out cells that :func:`check_outliers` flags (a spike is two jumps but one error).
    outlier_min_dev : float
        ``min_dev`` of that outlier pass.

    Returns
    -------
    DataFrame
        Quality notes, kind ``'level_break'``, severity ``'warning'``, on the year after the jump.

    Notes
    -----
    With :math:`g_{it} = \\ln v_{it} - \\ln v_{i,t-1}` (consecutive years, positive values) and
    :math:`m_t = \\operatorname{median}_i g_{it}` (at least 3 regions; else the indicator's pooled
    median), the idiosyncratic growth is :math:`e_{it} = g_{it} - m_t` and its robust scale
    :math:`\\hat\\sigma = 1.4826\\,\\operatorname{median}|e - \\operatorname{median}(e)|` per indicator.
    A break is :math:`|e_{it}| > \\max(k\\hat\\sigma, \\text{min\\_jump})`. The scale is the
    indicator's, not the region's: a short series with two revisions would otherwise hide both.
    Removing :math:`m_t` leaves recessions and booms common to all regions alone (and leaves common
    breaks to :func:`check_common_breaks`); scaling by :math:`\\hat\\sigma` makes the test strict in
    smooth series (population: :math:`\\hat\\sigma \\approx 0.5\\%`) and lenient in volatile ones.

    References
    ----------
    Hampel, F. R. (1974). The influence curve and its role in robust estimation. *JASA* 69(346),
    383–393.

    Examples
    --------
    Four regions grow 1 % a year; region 440000 jumps from 100 to 131 (:math:`\\ln 1.31 - \\ln 1.01
    = 0.26 > 0.10`) and stays there:

    >>> rows = [(r, "pop", y, 100 * 1.01 ** (y - 2010) * (1.3 if (r == "440000" and y >= 2015) else 1.0))
    ...         for r in ["110000", "120000", "130000", "440000"] for y in range(2010, 2020)]
    >>> obs = pd.DataFrame(rows, columns=["region_code", "indicator_code", "year", "value"])
    >>> n = check_level_breaks(obs, "demo")
    >>> n[["region_code", "year", "kind"]].values.tolist()
    [['440000', 2015, 'level_break']]
    """
    dataset_id = check_dataset_id(dataset_id)
    check_params(k=k, min_jump=min_jump, max_noise=max_noise, outlier_min_dev=outlier_min_dev)
    d = _data(obs)
    records = []
    for j, cube in enumerate(d.cubes):
        gr = d.growth(j)
        V = cube.V
        if mask_outliers:
            runs = _outlier_runs(gr, k=k, min_dev=outlier_min_dev, max_run=3, flank_share=0.5)
            if runs:
                V = V.copy()
                for c, i, a, b, _ in runs:
                    V[c, i, a : b + 1] = np.nan
                gr = _growth(V)
        smooth = np.isfinite(gr.s) & (gr.s <= max_noise)
        thr = np.where(smooth, np.fmax(k * gr.s, min_jump), np.inf)
        with np.errstate(invalid="ignore"):
            hits = np.argwhere(np.abs(gr.E) > thr[:, None, None])
        for c, i, t in hits:
            y0, y1 = int(cube.years[t]), int(cube.years[t + 1])
            v0, v1 = V[c, i, t], V[c, i, t + 1]
            detail = (
                f"jumps from {fmt(v0)} ({y0}) to {fmt(v1)} ({y1}), ×{v1 / v0:.3g}, while the median "
                f"region changed ×{math.exp(gr.m[c, t]):.3g}; deviation {gr.E[c, i, t]:+.3f} in log "
                f"growth against a typical ±{gr.s[c]:.3f} (threshold {thr[c]:.3f}): a level break "
                "(definition, price base or data vintage changed?); do not compute growth across it"
            )
            records.append(_cell_note(dataset_id, "level_break", "warning", detail, cube, c, i, t + 1))
    return notes_frame(records)


def _separated(g: np.ndarray, ref_quantiles: tuple[float, float], shift: float) -> float:
    """Share of ``g`` beyond the ``tail`` quantile of the reference year on the side of ``shift``.

    ``ref_quantiles`` are the reference year's (tail, 1 − tail) quantiles, computed once per year.
    """
    if shift < 0:
        return float(np.mean(g < ref_quantiles[0]))
    return float(np.mean(g > ref_quantiles[1]))


def _common_breaks_one(
    G: np.ndarray, *, min_shift: float, coherence: float, tail: float, window: int, min_regions: int
) -> list[tuple[int, float, float, list[int], dict[int, float], int]]:
    """Common breaks of one indicator's growth matrix ``G`` (regions × years - 1), largest first."""
    n = np.sum(np.isfinite(G), axis=0)
    usable = [t for t in range(G.shape[1]) if n[t] >= min_regions]
    if len(usable) < 2:
        return []
    vals = {t: G[:, t][np.isfinite(G[:, t])] for t in usable}
    med = {t: float(np.median(vals[t])) for t in usable}
    quant = {t: tuple(np.quantile(vals[t], [tail, 1 - tail])) for t in usable}
    first, last = usable[0], usable[-1]
    flagged: set[int] = set()
    found = []

    def judge(t: int) -> tuple[float, float, list[int]] | None:
        before = [s for s in usable if t - window <= s < t]
        after = [s for s in usable if t < s <= t + window]
        nb = next((s for s in reversed(before) if s not in flagged), None)
        na = next((s for s in after if s not in flagged), None)
        if (before and nb is None) or (after and na is None):
            return None  # the neighbours on one side are all flagged: cannot judge
        sides = [s for s in (nb, na) if s is not None]
        if not sides or (len(sides) == 1 and t not in (first, last)):
            return None
        shifts = [med[t] - med[s] for s in sides]
        if not all(abs(x) >= min_shift for x in shifts) or len({bool(x > 0) for x in shifts}) != 1:
            return None
        shares = [_separated(vals[t], quant[s], x) for s, x in zip(sides, shifts)]
        if min(shares) < coherence:
            return None
        return min(shifts, key=abs), min(shares), sides

    while True:
        best = None
        for t in usable:
            if t not in flagged and (res := judge(t)) is not None:
                two_sided = len(res[2]) == 2
                # two-sided judgements first: an edge year's only neighbour may itself be the break
                key = (two_sided, abs(res[0]))
                if best is None or key > best[0]:
                    best = (key, t, res)
        if best is None:
            return found
        _, t, res = best
        best = (t, res)
        t, (shift, share, sides) = best
        flagged.add(t)
        found.append((t, shift, share, sides, med, vals[t].size))


def check_common_breaks(
    obs: pd.DataFrame,
    dataset_id: str,
    indicators: pd.DataFrame | None = None,
    *,
    min_shift: float = math.log(1.2),
    coherence: float = 0.9,
    tail: float = 0.02,
    window: int = 3,
    min_regions: int = 5,
) -> pd.DataFrame:
    """Flag indicator-years in which (nearly) every region's growth leaves that of the years around.

    A change of price base, unit or definition hits every region in the same year; removing the
    cross-regional median (as :func:`check_level_breaks` does) would hide it, so it is judged here
    once per indicator-year (``region_code`` None).

    Parameters
    ----------
    obs : DataFrame
        Long panel ``region_code, indicator_code, year, value``.
    dataset_id : str
    indicators : DataFrame, optional
        Unused (kept for a uniform signature).
    min_shift : float
        Smallest shift of the median log growth from each neighbouring year's (log 1.2).
    coherence : float
        Share of reporting regions that must lie beyond the neighbouring year's ``tail`` quantile (0.9).
    tail : float
        Tail quantile of the neighbouring year's growth rates (0.02).
    window : int
        How far (years) to look for a neighbouring year not itself flagged (3).
    min_regions : int
        Fewest regions reporting a growth rate in a year for it to be judged or used (5).

    Returns
    -------
    DataFrame
        Quality notes, kind ``'level_break'``, severity ``'warning'``, ``region_code`` None, on the
        first year of the new level.

    Notes
    -----
    Let :math:`g_{it}` be log growth into year :math:`t` and :math:`b < t < a` the nearest years
    (within ``window``) not already flagged. Year :math:`t` is a common break when, against **both**
    :math:`b` and :math:`a`, the median shifts the same way by at least ``min_shift`` and at least
    ``coherence`` of the regions lie beyond the ``tail`` (or 1 − ``tail``) quantile of that year's
    growth rates. The last (first) year of the panel is judged against the year before (after)
    only, and only once no two-sided candidate is left (its single neighbour may be the break); a
    year whose neighbours on one side are all flagged is not judged. Candidates are taken largest
    shift first. Needing both sides keeps a mere slowdown (between a fast year and a slow
    one) and multi-year episodes (the inflation of 1993–1995, a boom) from being flagged; needing
    nearly every region keeps a national recession of ordinary size apart from a break.

    Examples
    --------
    Six regions grow about 10 % a year; in 2016 every one of them falls by a third (a new price base):

    >>> rows = [(f"{r}0000", "tel", y, 100 * (1.1 + 0.002 * r) ** (y - 2013) * (0.68 if y >= 2016 else 1))
    ...         for r in range(11, 17) for y in range(2013, 2021)]
    >>> obs = pd.DataFrame(rows, columns=["region_code", "indicator_code", "year", "value"])
    >>> check_common_breaks(obs, "demo")[["indicator_code", "region_code", "year"]].values.tolist()
    [['tel', None, 2016]]
    """
    dataset_id = check_dataset_id(dataset_id)
    check_params(min_shift=min_shift, coherence=coherence, tail=tail)
    if not 0 < tail < 0.5 or not 0 < coherence <= 1:
        raise InputError.at(
            "need 0 < tail < 0.5 and 0 < coherence <= 1", column="tail, coherence", value=(tail, coherence)
        )
    for name, v in (("window", window), ("min_regions", min_regions)):
        _check_int(name, v, 1, "must be an integer >= 1")
    d = _data(obs)
    records = []
    for j, cube in enumerate(d.cubes):
        G = d.growth(j).G
        n = np.sum(np.isfinite(G), axis=1)
        med = np.where(n >= min_regions, _nanmedian(G, axis=1), np.nan)  # (C, T-1)
        # a break needs a shift of min_shift against some year within the window: cheap pre-screen
        cand = np.zeros(len(cube.codes), dtype=bool)
        for lag in range(1, window + 1):
            with np.errstate(invalid="ignore"):
                cand |= np.any(np.abs(med[:, lag:] - med[:, :-lag]) >= min_shift, axis=1)
        for c in np.flatnonzero(cand):
            for t, shift, share, sides, m, size in _common_breaks_one(
                G[c],
                min_shift=min_shift,
                coherence=coherence,
                tail=tail,
                window=window,
                min_regions=min_regions,
            ):
                y0, y1 = int(cube.years[t]), int(cube.years[t + 1])
                around = ", ".join(f"×{math.exp(m[s]):.3g} into {int(cube.years[s + 1])}" for s in sides)
                detail = (
                    f"common break {y0}→{y1}: median ratio ×{math.exp(m[t]):.3g} across {size} regions "
                    f"against {around}; {share:.0%} of regions lie beyond the neighbouring years' "
                    "range: a change of price base, unit or definition hitting every region; do not "
                    "compute growth across it without rebasing"
                )
                records.append(
                    note(
                        dataset_id,
                        "level_break",
                        "warning",
                        detail,
                        "common_break",
                        indicator=cube.codes[c],
                        year=y1,
                    )
                )
    return notes_frame(records)


# --------------------------------------------------------------------------------------------------
# duplicated columns, scale, negatives, partial years, repeated values
def check_duplicate_columns(
    obs: pd.DataFrame, dataset_id: str, indicators: pd.DataFrame | None = None, *, min_rows: int = 5
) -> pd.DataFrame:
    """Flag indicators whose values are identical to another indicator's in every row.

    Parameters
    ----------
    obs : DataFrame
        Long panel.
    dataset_id : str
    indicators : DataFrame, optional
        Unused (kept for a uniform signature).
    min_rows : int
        Fewest non-missing rows (and at least two distinct values) before two columns count as
        duplicates; two constant or near-empty columns prove nothing.

    Returns
    -------
    DataFrame
        One note per duplicated indicator (kind ``'duplicate_column'``, severity ``'error'``): at
        least one of the two is mislabelled, and the data cannot tell which.

    Notes
    -----
    Columns are compared on the full region × year grid with missing equal to missing: a duplicate
    is :math:`v_{c_1,it} = v_{c_2,it}` exactly wherever either is present.

    Examples
    --------
    >>> obs = pd.DataFrame({"region_code": ["11", "12", "13", "14", "15"] * 2,
    ...                     "indicator_code": ["openness"] * 5 + ["industrialization"] * 5,
    ...                     "year": 2015, "value": [0.9, 1.1, 0.8, 1.3, 1.0] * 2})
    >>> sorted(check_duplicate_columns(obs, "demo")["indicator_code"])
    ['industrialization', 'openness']
    """
    dataset_id = check_dataset_id(dataset_id)
    _check_int("min_rows", min_rows, 1, "min_rows must be an integer >= 1")
    d = _data(obs)
    groups: dict[bytes, list[tuple[str, np.ndarray]]] = {}
    for cube in d.cubes:
        for c, code in enumerate(cube.codes):
            col = cube.V[c]
            fin = col[np.isfinite(col)]
            if fin.size < min_rows or np.all(fin == fin[0]):
                continue
            key = np.where(np.isnan(col), np.inf, col).tobytes()
            groups.setdefault(hashlib.blake2b(key, digest_size=16).digest(), []).append((code, col))
    records = []
    for members in groups.values():
        if len(members) < 2:
            continue
        base = members[0][1]
        same = [code for code, col in members if np.array_equal(col, base, equal_nan=True)]
        if len(same) < 2:
            continue
        n_rows = int(np.isfinite(base).sum())
        for code in same:
            others = ", ".join(o for o in same if o != code)
            detail = (
                f"identical to {others} in all {n_rows} rows: one of them is mislabelled or duplicated "
                "in the source and the data cannot tell which; neither is used by default"
            )
            records.append(
                note(dataset_id, "duplicate_column", "error", detail, "duplicate_column", indicator=code)
            )
    return notes_frame(records)


_PERCENT = re.compile(r"(%|percent|per cent|百分)", re.IGNORECASE)


def check_scale(
    obs: pd.DataFrame, dataset_id: str, indicators: pd.DataFrame | None = None, *, floor: float = 1e-3
) -> pd.DataFrame:
    """Flag indicators whose magnitude cannot be right for a published statistic in its unit.

    Parameters
    ----------
    obs : DataFrame
        Long panel.
    dataset_id : str
    indicators : DataFrame, optional
        Metadata (``code, unit, …``); a unit containing "%" enables the percent check.
    floor : float
        Median absolute non-zero value below which an indicator is implausibly scaled (1e-3).

    Returns
    -------
    DataFrame
        Notes of kind ``'scale'``: ``'error'`` for the magnitude floor, ``'warning'`` for a percent
        indicator whose values never exceed 1 (a share recorded under a "%" unit).

    Notes
    -----
    Statistical tables choose their units (10⁴ CNY, 10⁸ kWh, %, ‰) so that a typical figure shows
    three or more significant digits before rounding; a column whose median magnitude is below
    ``floor`` in its own unit would print as 0.000 in any yearbook, so it is not a published figure
    but a rescaled or mislabelled one. The test is unit-free and so needs no declared unit.

    Examples
    --------
    >>> obs = pd.DataFrame({"region_code": ["11", "12", "13"], "indicator_code": "density",
    ...                     "year": 2015, "value": [9.9e-6, 2.1e-5, 1.4e-5]})
    >>> check_scale(obs, "demo")[["indicator_code", "severity"]].values.tolist()
    [['density', 'error']]
    """
    dataset_id = check_dataset_id(dataset_id)
    check_params(floor=floor)
    meta = _meta(indicators)
    d = _data(obs)
    records = []
    for cube in d.cubes:
        A = np.abs(cube.V).reshape(len(cube.codes), -1)
        A = np.where(A == 0, np.nan, A)
        med = _nanmedian(A, axis=1)
        n = np.sum(np.isfinite(A), axis=1)
        for c in np.flatnonzero(n > 0):
            code = cube.codes[c]
            lo, hi = np.nanmin(A[c]), np.nanmax(A[c])
            if med[c] < floor:
                detail = (
                    f"median magnitude {med[c]:.3g} (range {lo:.3g}–{hi:.3g}) is below {floor:g} of "
                    "its unit: no published statistic is that small in its own unit; a scaling or "
                    "labelling error in the source"
                )
                records.append(note(dataset_id, "scale", "error", detail, "scale", indicator=code))
                continue
            unit = (meta.get(code) or {}).get("unit")
            if unit and _PERCENT.search(str(unit)) and hi <= 1.0 and n[c] >= 5:
                detail = (
                    f"declared in '{unit}' but every value is ≤ 1 (max {hi:.3g}): a share recorded "
                    "as a percentage? multiply by 100 or fix the unit"
                )
                records.append(note(dataset_id, "scale", "warning", detail, "scale", indicator=code))
    return notes_frame(records)


#: Words in an indicator code or name marking a balance that may legitimately be negative.
_BALANCE = re.compile(
    r"(profit|surplus|balance|net_|_net|netexport|inventor|change|loss|subsid)", re.IGNORECASE
)
#: Words marking a signed quantity whose negatives are not news at all.
_SIGNED = re.compile(r"(growth|rate_of_change|yoy|delta|diff|_chg|increment)", re.IGNORECASE)
_MONEY = re.compile(r"(cny|rmb|yuan|usd|元|\$)", re.IGNORECASE)


def check_negative(
    obs: pd.DataFrame, dataset_id: str, indicators: pd.DataFrame | None = None, *, rare: float = 0.05
) -> pd.DataFrame:
    """Flag negative values where the indicator should not be negative.

    Parameters
    ----------
    obs : DataFrame
        Long panel.
    dataset_id : str
    indicators : DataFrame, optional
        Metadata ``code, unit, min_value, …``.
    rare : float
        Without a declared minimum, negatives are judged only when they are rare (at most this share of
        an indicator's values); an indicator with many negatives is evidently signed.

    Returns
    -------
    DataFrame
        Notes of kind ``'negative'``:

        * ``'error'`` — below a declared ``min_value >= 0``, or negative in a physical quantity
          (persons, tonnes, kWh, counts, shares: any declared unit that is not money);
        * ``'info'`` — a balance (profit, surplus, net …, inventory change): revenue minus cost can
          be negative, so the value is kept and only reported;
        * ``'warning'`` — other money amounts or an unknown unit.

    Notes
    -----
    Indicators whose code or unit names a rate of change (growth, yoy, delta …) are not checked.

    Examples
    --------
    Total profit of −0.26 (10⁸ CNY) in one of 20 province-years is a loss, not an error:

    >>> obs = pd.DataFrame({"region_code": [f"{i}" for i in range(20)],
    ...                     "indicator_code": "total_profit_100m_cny",
    ...                     "year": 2013, "value": [-0.26] + [50.0] * 19})
    >>> check_negative(obs, "demo")[["region_code", "severity"]].values.tolist()
    [['0', 'info']]
    """
    dataset_id = check_dataset_id(dataset_id)
    check_params(rare=rare)
    meta = _meta(indicators)
    d = _data(obs)
    records = []
    for cube in d.cubes:
        with np.errstate(invalid="ignore"):
            neg = cube.V < 0
        n_neg = neg.reshape(len(cube.codes), -1).sum(axis=1)
        for c in np.flatnonzero(n_neg):
            code = cube.codes[c]
            n_fin = int(np.isfinite(cube.V[c]).sum())
            m = meta.get(code) or {}
            unit = str(m.get("unit") or "")
            lo = m.get("min_value")
            if lo is not None and float(lo) >= 0:
                severity, why = "error", f"below the declared minimum {float(lo):g}"
            elif _SIGNED.search(code) or _SIGNED.search(unit) or n_neg[c] > rare * n_fin:
                continue
            elif _BALANCE.search(code) or _BALANCE.search(str(m.get("name_en") or "")):
                severity = "info"
                why = "a balance (revenue minus cost, net flow) can be negative; kept and reported"
            elif _MONEY.search(unit) or _MONEY.search(code):
                severity, why = "warning", "a money amount that is normally positive"
            elif unit:
                severity, why = "error", f"a quantity in '{unit}' cannot be negative"
            else:
                severity, why = "warning", "negative in an otherwise non-negative series"
            share = f"{int(n_neg[c])} of {n_fin} values negative"
            for i, t in np.argwhere(neg[c]):
                detail = f"value {fmt(cube.V[c, i, t])} < 0: {why} ({share})"
                records.append(_cell_note(dataset_id, "negative", severity, detail, cube, c, i, t))
    return notes_frame(records)


def check_partial_years(
    obs: pd.DataFrame, dataset_id: str, indicators: pd.DataFrame | None = None, *, thin: float = 0.5
) -> pd.DataFrame:
    """Flag the trailing years of a panel in which established series are missing for most regions.

    Parameters
    ----------
    obs : DataFrame
        Long panel.
    dataset_id : str
    indicators : DataFrame, optional
        Unused (kept for a uniform signature).
    thin : float
        A series is "thin" in a year when its coverage (share of the dataset's regions reporting) is
        below ``thin`` times its usual coverage (median over the years it reports at all).

    Returns
    -------
    DataFrame
        One note per partial year (kind ``'partial_year'``, severity ``'warning'``,
        ``indicator_code`` None), naming the thin series.

    Notes
    -----
    Working back from the last year, a year is partial while at least one series that reported in
    an earlier year is thin in it; the first complete year stops the run. Only the trailing edge is
    judged: recent years are the ones published piecemeal, whereas the first years of a panel lack
    series that simply start later (CO₂ inventories from 1997) and gaps inside a panel are
    ordinary missing values.

    Examples
    --------
    Two indicators for four regions, 2020–2023; in 2023 only ``gdp`` is reported:

    >>> rows = [(r, c, y, 1.0) for r in "ABCD" for c in ("gdp", "co2") for y in range(2020, 2024)
    ...         if not (c == "co2" and y == 2023)]
    >>> obs = pd.DataFrame(rows, columns=["region_code", "indicator_code", "year", "value"])
    >>> check_partial_years(obs, "demo")["year"].tolist()
    [2023]
    """
    dataset_id = check_dataset_id(dataset_id)
    check_params(thin=thin)
    d = _data(obs)
    if not d.cubes:
        return empty_notes()
    n_regions = len(d.regions)
    cov = np.concatenate([np.isfinite(cube.V).sum(axis=1) for cube in d.cubes]) / n_regions  # (C, T)
    keep = cov.sum(axis=1) > 0
    cov, codes = cov[keep], d.codes[keep]
    if cov.size == 0:
        return empty_notes()
    usual = _nanmedian(np.where(cov > 0, cov, np.nan), axis=1)
    first = np.argmax(cov > 0, axis=1)
    records = []
    for t in range(cov.shape[1] - 1, -1, -1):
        thin_idx = np.flatnonzero((first < t) & (cov[:, t] < thin * usual))
        if thin_idx.size == 0:
            break
        listed = "; ".join(
            f"{codes[c]} {round(cov[c, t] * n_regions)}/{n_regions} regions (usually "
            f"{round(usual[c] * n_regions)})"
            for c in thin_idx
        )
        detail = (
            f"partial year: {thin_idx.size} of {len(codes)} indicators missing or thin ({listed}); "
            f"{cov[:, t].mean():.0%} of region-indicator cells filled: provisional or not yet "
            "published, so do not compare this year's totals or rankings with complete years"
        )
        records.append(
            note(dataset_id, "partial_year", "warning", detail, "partial_year", year=int(d.years[t]))
        )
    return notes_frame(records[::-1])


def check_repeated_values(
    obs: pd.DataFrame, dataset_id: str, indicators: pd.DataFrame | None = None, *, min_run: int = 3
) -> pd.DataFrame:
    """Flag runs of a non-zero value repeated unchanged over consecutive years (carried forward).

    Parameters
    ----------
    obs : DataFrame
        Long panel.
    dataset_id : str
    indicators : DataFrame, optional
        Unused (kept for a uniform signature).
    min_run : int
        Fewest consecutive years showing the same value (3: the value and two exact repeats).

    Returns
    -------
    DataFrame
        One note per run (kind ``'repeated_value'``, severity ``'warning'``), on the first repeated
        year; the detail names the years. Zeros are not judged ("no such production" stays zero).

    Notes
    -----
    A flow statistic reported to several digits does not repeat exactly for three years running;
    such runs are an earlier value carried forward to fill gaps (or a census figure reused between
    censuses), so they carry no information about change over time.

    Examples
    --------
    >>> obs = pd.DataFrame({"region_code": "110000", "indicator_code": "fai", "year": range(2013, 2019),
    ...                     "value": [554.02, 499.44, 111.94, 82.9, 82.9, 82.9]})
    >>> check_repeated_values(obs, "demo")[["year", "kind"]].values.tolist()
    [[2017, 'repeated_value']]
    """
    dataset_id = check_dataset_id(dataset_id)
    _check_int("min_run", min_run, 2, "min_run must be an integer >= 2")
    d = _data(obs)
    records = []
    for cube in d.cubes:
        V = cube.V
        same = (V[:, :, 1:] == V[:, :, :-1]) & (V[:, :, 1:] != 0)  # same[.., t]: year t+1 repeats year t
        for c, i in np.argwhere(same.sum(axis=2) >= min_run - 1):
            row = same[c, i]
            t = 0
            while t < row.size:
                if not row[t]:
                    t += 1
                    continue
                u = t
                while u < row.size and row[u]:
                    u += 1
                if u - t + 1 >= min_run:  # years[t] .. years[u] share one value
                    y0, y1, y_last = int(cube.years[t]), int(cube.years[t + 1]), int(cube.years[u])
                    detail = (
                        f"{fmt(V[c, i, t])} repeated unchanged {y1}–{y_last} (first reported {y0}): "
                        "carried forward or reused, not observed; no information about change in "
                        "those years"
                    )
                    records.append(
                        _cell_note(dataset_id, "repeated_value", "warning", detail, cube, c, i, t + 1)
                    )
                t = u
    return notes_frame(records)


# --------------------------------------------------------------------------------------------------
def screen_panel(
    obs: pd.DataFrame,
    dataset_id: str,
    indicators: pd.DataFrame | None = None,
    *,
    identities: Sequence[Mapping[str, Any]] | None = None,
) -> pd.DataFrame:
    """Run every panel check and return their notes in one frame.

    Parameters
    ----------
    obs : DataFrame
        Long panel ``region_code, indicator_code, year, value`` of one dataset (a ``dataset_id``
        column, if present, is ignored in favour of the argument).
    dataset_id : str
    indicators : DataFrame, optional
        Indicator metadata (``code, unit, direction, min_value, max_value``).
    identities : sequence of mappings, optional
        Accounting identities (see :func:`check_identities`); ``None`` applies
        :data:`DEFAULT_IDENTITIES` (those whose codes are all present), ``[]`` applies none.

    Returns
    -------
    DataFrame
        Quality notes (:data:`~industrial_brain.quality.notes.NOTE_COLUMNS`), sorted by indicator,
        region, year, kind.

    Examples
    --------
    >>> obs = pd.DataFrame({"region_code": "110000", "indicator_code": ["gdp_100m_cny",
    ...     "secondary_va_100m_cny", "tertiary_va_100m_cny"], "year": 2015, "value": [100.0, 60.0, 50.0]})
    >>> screen_panel(obs, "demo")["kind"].tolist()
    ['identity']
    """
    dataset_id = check_dataset_id(dataset_id)
    _meta(indicators)  # validate once
    d = _data(obs)
    rules = list(DEFAULT_IDENTITIES) if identities is None else list(identities)
    parts = [
        check_identities(d, dataset_id, rules),
        check_outliers(d, dataset_id, indicators),
        check_level_breaks(d, dataset_id, indicators),
        check_common_breaks(d, dataset_id, indicators),
        check_duplicate_columns(d, dataset_id, indicators),
        check_scale(d, dataset_id, indicators),
        check_negative(d, dataset_id, indicators),
        check_partial_years(d, dataset_id, indicators),
        check_repeated_values(d, dataset_id, indicators),
    ]
    parts = [p for p in parts if len(p)]
    if not parts:
        return empty_notes()
    out = pd.concat(parts, ignore_index=True)
    out = out.sort_values(
        ["indicator_code", "region_code", "year", "kind"], na_position="first", kind="stable"
    )
    return notes_frame(out.to_dict("records"))
