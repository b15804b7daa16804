"""Property tests on SYNTHETIC panels (generated here, not data): clean series give no notes, and
each kind of injected problem is found where it was put.

Clean synthetic panel: indicator c, region i, year t, log level
``l_it = a_i + Σ_{s<=t} (μ_c + κ_s + ρ_is + ε_is)`` with trend μ_c ∈ [−2 %, 15 %], common
business-cycle shocks κ_s ∈ [−12 %, 0] in up to two years (national recessions), regional recessions
ρ_is ∈ [−2.5 %, 0] in up to three region-years, and noise ε ~ N(0, σ²) clipped at ±2.5σ, σ ∈
[0.3 %, 4 %]. These are realistic provincial growth paths: the screening must stay silent on them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from industrial_brain.quality import screen_panel

SETTINGS = settings(
    max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


@st.composite
def clean_panels(draw):
    """Parameters of a clean synthetic panel (the arrays are drawn from a seeded numpy generator)."""
    return {
        "R": draw(st.integers(8, 31)),
        "T": draw(st.integers(10, 36)),
        "C": draw(st.integers(1, 3)),
        "sigma": draw(st.floats(0.003, 0.04)),
        "n_common": draw(st.integers(0, 2)),
        "n_regional": draw(st.integers(0, 3)),
        "seed": draw(st.integers(0, 2**32 - 1)),
    }


def synthetic(p: dict) -> tuple[np.ndarray, pd.DataFrame]:
    """The log-level cube (C, R, T) and the long frame of a clean synthetic panel."""
    rng = np.random.default_rng(p["seed"])
    C, R, T, sigma = p["C"], p["R"], p["T"], p["sigma"]
    mu = rng.uniform(-0.02, 0.15, size=(C, 1, 1))
    g = mu + np.clip(rng.normal(0, sigma, size=(C, R, T)), -2.5 * sigma, 2.5 * sigma)
    for t in rng.choice(np.arange(1, T), size=p["n_common"], replace=False):
        g[:, :, t] += rng.uniform(-0.12, 0.0)
    for _ in range(p["n_regional"]):
        g[:, rng.integers(R), rng.integers(1, T)] += rng.uniform(-0.025, 0.0)
    g[:, :, 0] = 0.0
    level = np.log(rng.uniform(10, 10_000, size=(C, R, 1))) + np.cumsum(g, axis=2)
    return level, frame(level)


def frame(level: np.ndarray, year0: int = 1990) -> pd.DataFrame:
    C, R, T = level.shape
    idx = pd.MultiIndex.from_product(
        [[f"ind{c}" for c in range(C)], [f"{11 + i:02d}0000" for i in range(R)], range(year0, year0 + T)],
        names=["indicator_code", "region_code", "year"],
    )
    return pd.DataFrame({"value": np.exp(level).ravel()}, index=idx).reset_index()


@SETTINGS
@given(clean_panels())
def test_clean_synthetic_panels_are_not_flagged(p):
    _, obs = synthetic(p)
    notes = screen_panel(obs, "synthetic", identities=[])
    assert notes.empty, notes[["indicator_code", "region_code", "year", "kind", "detail"]].to_string()


@SETTINGS
@given(clean_panels())
def test_consistent_identity_is_not_flagged(p):
    # three synthetic sector series and their exact sum (floating-point rounding only)
    level, _ = synthetic({**p, "C": 3})
    obs = frame(level)
    total = obs.groupby(["region_code", "year"], as_index=False)["value"].sum().assign(indicator_code="total")
    obs = pd.concat([obs, total], ignore_index=True)
    rules = [
        {"total": "total", "parts": ["ind0", "ind1", "ind2"], "relation": "sum==total", "rtol": 1e-9},
        {"total": "total", "parts": ["ind0", "ind1"], "relation": "parts<=total"},
    ]
    assert screen_panel(obs, "synthetic", identities=rules).empty


@SETTINGS
@given(clean_panels(), st.data())
def test_injected_outlier_is_found_and_nothing_else(p, data):
    level, _ = synthetic({**p, "C": 1})
    T, R = level.shape[2], level.shape[1]
    i = data.draw(st.integers(0, R - 1))
    t = data.draw(st.integers(1, T - 2))
    factor = data.draw(st.sampled_from([1e-3, 0.01, 0.2, 0.4, 2.5, 10.0, 1e4]))  # unit slip, typo, scope
    level[0, i, t] += np.log(factor)
    notes = screen_panel(frame(level), "synthetic", identities=[])
    assert notes[["region_code", "year", "kind", "severity"]].values.tolist() == [
        [f"{11 + i:02d}0000", 1990 + t, "outlier", "error"]
    ]


@SETTINGS
@given(clean_panels(), st.data())
def test_injected_level_break_is_found(p, data):
    level, _ = synthetic({**p, "C": 1})
    T, R = level.shape[2], level.shape[1]
    i = data.draw(st.integers(0, R - 1))
    t = data.draw(st.integers(1, T - 1))
    size = data.draw(st.floats(max(0.2, 10 * p["sigma"]), 1.0)) * data.draw(st.sampled_from([-1, 1]))
    level[0, i, t:] += size  # a definition change from year t on
    notes = screen_panel(frame(level), "synthetic", identities=[])
    assert notes[["region_code", "year", "kind"]].values.tolist() == [
        [f"{11 + i:02d}0000", 1990 + t, "level_break"]
    ]


@SETTINGS
@given(clean_panels(), st.data())
def test_injected_common_break_is_found(p, data):
    level, _ = synthetic({**p, "C": 1})
    T = level.shape[2]
    t = data.draw(st.integers(2, T - 2))
    size = data.draw(st.floats(0.3, 2.5)) * data.draw(st.sampled_from([-1, 1]))
    level[0, :, t:] += size  # a new price base for every region from year t on
    notes = screen_panel(frame(level), "synthetic", identities=[])
    assert notes[["indicator_code", "region_code", "year", "kind"]].values.tolist() == [
        ["ind0", None, 1990 + t, "level_break"]
    ]
