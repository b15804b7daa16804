"""Differentially private counts, sums and means of enterprise-level data (the Laplace mechanism, OpenDP).

Pure: a frame of records in, a :class:`NoisyRelease` out. The noise is drawn by OpenDP (the
OpenDP library, Harvard's well-kept implementation whose samplers are exact and immune to the
floating-point attacks of textbook Laplace code — Mironov 2012), so no noise is drawn here by hand.

Notes
-----
Neighbouring data sets differ by one enterprise (add or remove one record). Each enterprise falls in
exactly one cell of a grouping, so over the vector of cells

* a **count** changes by at most 1 in one cell: L1 sensitivity Δ = 1;
* a **sum** of a value clamped to ``[L, U]`` changes by at most ``max(|L|, |U|)`` in one cell:
  Δ = max(|L|, |U|);

and the Laplace mechanism adds independent noise of scale ``b = Δ / ε`` to every cell, which is
ε-differentially private (Dwork, McSherry, Nissim & Smith 2006, "Calibrating noise to sensitivity in
private data analysis", TCC, Thm. 1; Dwork & Roth 2014, *The Algorithmic Foundations of Differential
Privacy*, Thm. 3.6). Each noisy figure is unbiased (E[noise] = 0) with standard deviation √2·b.
A **mean** spends ε/2 on the sum and ε/2 on the count and divides them (post-processing costs no
privacy, Dwork & Roth Prop. 2.1); it is published with the scales of both parts. The ε of one release
is checked against OpenDP's own privacy map (``measurement.map(Δ) ≤ ε``).

Cell keys must not depend on the data (the presence of a key would tell that some enterprise is
there): pass the public list of keys (``keys``), as the services do for regions and size classes;
cells with no record are released too (noisy zeros).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import opendp.prelude as dp
import pandas as pd

from industrial_brain._shared.results import ResultMixin
from industrial_brain.errors import InputError

__all__ = ["STATISTICS", "NoisyRelease", "laplace_scale", "laplace_vector", "noisy_aggregate"]

dp.enable_features("contrib")

STATISTICS = ("count", "sum", "mean")


def laplace_scale(sensitivity: float, epsilon: float) -> float:
    """The Laplace scale ``b = Δ / ε`` that makes a query of L1 sensitivity ``Δ`` ε-DP.

    >>> laplace_scale(100.0, 0.5)
    200.0
    """
    if not epsilon > 0:
        raise InputError.at(
            "privacy loss must be positive", column="epsilon", value=epsilon, expected="ε > 0"
        )
    if not sensitivity >= 0:
        raise InputError.at("sensitivity must be ≥ 0", column="sensitivity", value=sensitivity)
    return float(sensitivity) / float(epsilon)


def laplace_vector(values: Sequence[float], sensitivity: float, epsilon: float) -> tuple[np.ndarray, float]:
    """``values`` plus OpenDP Laplace noise of scale ``Δ/ε`` each, and that scale; the measurement's
    privacy map is checked to give at most ``epsilon`` for an L1 distance of ``sensitivity``.

    >>> noisy, scale = laplace_vector([10.0, 20.0], sensitivity=1.0, epsilon=1.0)
    >>> noisy.shape, scale
    ((2,), 1.0)
    """
    scale = laplace_scale(sensitivity, epsilon)
    space = dp.vector_domain(dp.atom_domain(T=float, nan=False)), dp.l1_distance(T=float)
    meas = space >> dp.m.then_laplace(scale=scale)
    used = meas.map(d_in=float(sensitivity)) if sensitivity > 0 else 0.0
    if used > epsilon * (1 + 1e-9):  # pragma: no cover - OpenDP and b = Δ/ε agree
        raise AssertionError(f"OpenDP's privacy map gives ε={used} > {epsilon}")
    return np.asarray(meas([float(v) for v in values]), dtype=float), scale


@dataclass(frozen=True)
class NoisyRelease(ResultMixin):
    """Noisy figures of one grouping: ``keys`` (cell keys), ``value`` (noisy statistic per cell) and
    what was spent: ``statistic`` (count | sum | mean), ``epsilon``, the ``sensitivity`` Δ and the
    Laplace ``scale`` of each part (``{"count": b}``, ``{"sum": b}`` or both for a mean), the clamping
    ``bounds`` of the value. Never holds an exact figure."""

    by: str
    keys: tuple[str, ...]
    value: tuple[float, ...]
    statistic: str
    measure: str | None
    epsilon: float
    sensitivity: dict
    scale: dict
    bounds: tuple[float, float] | None
    mechanism: str = "laplace (OpenDP)"
    title_en = "Differentially private release"
    title_zh = "差分隐私发布"

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """One row per cell: the key, the noisy figure and the noise scale(s) published with it."""
        f = pd.DataFrame({self.by: list(self.keys), self.statistic: list(self.value)})
        for part, b in self.scale.items():
            f[f"noise_scale_{part}"] = b
        return f

    def _summary_items(self, lang: str = "en"):
        yield "statistic", self.statistic
        yield "measure", self.measure or "-"
        yield "epsilon", self.epsilon
        yield "mechanism", self.mechanism
        for part, b in self.scale.items():
            yield f"Laplace scale ({part})", b

    def to_public(self) -> dict:
        """The release as JSON-ready figures, every one with its noise scale."""
        return {
            "by": self.by,
            "statistic": self.statistic,
            "measure": self.measure,
            "epsilon": self.epsilon,
            "mechanism": self.mechanism,
            "sensitivity": self.sensitivity,
            "noise_scale": self.scale,
            "noise_sd": {k: float(np.sqrt(2.0) * b) for k, b in self.scale.items()},
            "bounds": list(self.bounds) if self.bounds is not None else None,
            "cells": [{"key": k, "value": float(v)} for k, v in zip(self.keys, self.value)],
        }


def noisy_aggregate(
    frame: pd.DataFrame,
    by: str,
    statistic: str,
    epsilon: float,
    *,
    measure: str | None = None,
    bounds: tuple[float, float] | None = None,
    keys: Sequence[str] | None = None,
) -> NoisyRelease:
    """Noisy ``count``, ``sum`` or ``mean`` of ``measure`` (clamped to ``bounds``) per value of ``by``
    over ``frame`` (one row per enterprise), ε-DP with the Laplace mechanism (module notes).

    ``keys``: the public cell keys (default: the values of ``by`` in ``frame``, which is only safe when
    those values are public). A record whose key is not in ``keys`` is dropped.

    >>> f = pd.DataFrame({"sector": ["C39", "C39", "C13"], "score": [50.0, 70.0, 40.0]})
    >>> r = noisy_aggregate(f, "sector", "sum", 1.0, measure="score", bounds=(0, 100), keys=["C13", "C39"])
    >>> r.keys, r.scale, r.sensitivity
    (('C13', 'C39'), {'sum': 100.0}, {'sum': 100.0})
    """
    if statistic not in STATISTICS:
        raise InputError.at(
            "unknown statistic", column="statistic", value=statistic, expected=" | ".join(STATISTICS)
        )
    if by not in frame.columns:
        raise InputError.at(
            "unknown grouping", column="by", value=by, expected=" | ".join(map(str, frame.columns))
        )
    keys = (
        tuple(sorted({str(k) for k in frame[by].dropna()})) if keys is None else tuple(str(k) for k in keys)
    )
    group = frame[by].astype("string")
    counts = group.value_counts().reindex(list(keys), fill_value=0).to_numpy(dtype=float)
    sens: dict[str, float] = {}
    scale: dict[str, float] = {}
    if statistic == "count":
        noisy, scale["count"] = laplace_vector(counts, 1.0, epsilon)
        sens["count"] = 1.0
        return NoisyRelease(by, keys, tuple(map(float, noisy)), statistic, None, epsilon, sens, scale, None)
    if measure is None or measure not in frame.columns:
        raise InputError.at("a sum or mean needs its measure", column="measure", value=measure)
    if bounds is None or not bounds[0] <= bounds[1]:
        raise InputError.at(
            "a sum or mean needs clamping bounds", column="bounds", value=bounds, expected="(L, U), L ≤ U"
        )
    lo, hi = float(bounds[0]), float(bounds[1])
    clamped = pd.to_numeric(frame[measure], errors="coerce").clip(lo, hi)
    kept = clamped.notna()
    sums = clamped[kept].groupby(group[kept]).sum().reindex(list(keys), fill_value=0.0).to_numpy(dtype=float)
    delta = max(abs(lo), abs(hi))
    if statistic == "sum":
        noisy, scale["sum"] = laplace_vector(sums, delta, epsilon)
        sens["sum"] = delta
        return NoisyRelease(
            by, keys, tuple(map(float, noisy)), statistic, measure, epsilon, sens, scale, (lo, hi)
        )
    if statistic == "mean":
        n_kept = group[kept].value_counts().reindex(list(keys), fill_value=0).to_numpy(dtype=float)
        noisy_sum, scale["sum"] = laplace_vector(sums, delta, epsilon / 2)
        noisy_n, scale["count"] = laplace_vector(n_kept, 1.0, epsilon / 2)
        sens.update(sum=delta, count=1.0)
        mean = np.clip(noisy_sum / np.maximum(noisy_n, 1.0), lo, hi)  # post-processing
        return NoisyRelease(
            by, keys, tuple(map(float, mean)), statistic, measure, epsilon, sens, scale, (lo, hi)
        )
    raise AssertionError(statistic)  # pragma: no cover
