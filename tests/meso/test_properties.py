"""Property tests (hypothesis): invariants of the input–output algebra on random productive economies."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings, strategies as st

from industrial_brain.meso import (
    LeontiefLU,
    gras,
    hypothetical_extraction,
    leontief_inverse,
    linkages,
    technical_coefficients,
)

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True)


@st.composite
def economies(draw, max_n=8):
    """A random productive economy (synthetic): Z ≥ 0, y > 0, x = Z·1 + y."""
    n = draw(st.integers(2, max_n))
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    Z = rng.uniform(0, 100, (n, n)) * (rng.uniform(size=(n, n)) < 0.7)
    y = rng.uniform(1, 200, n)
    return Z, y, Z.sum(1) + y


@SETTINGS
@given(economies(), st.sampled_from(["ghosh", "leontief"]))
def test_linkages_average_one(e, forward):
    Z, y, x = e
    r = linkages(technical_coefficients(Z, x), x, forward=forward)
    assert abs(r.table["backward"].mean() - 1) < 1e-12
    assert abs(r.table["forward"].mean() - 1) < 1e-12
    assert (r.table["backward_total"] >= 1 - 1e-12).all()


@SETTINGS
@given(economies())
def test_leontief_reproduces_output(e):
    Z, y, x = e
    A = technical_coefficients(Z, x)
    L = leontief_inverse(A)
    np.testing.assert_allclose(L @ y, x, rtol=1e-9)
    np.testing.assert_allclose(LeontiefLU(A).solve(y), x, rtol=1e-9)
    assert (L >= -1e-12).all()


@SETTINGS
@given(economies(max_n=6), st.floats(0.5, 500))
def test_extracting_an_unlinked_sector_loses_exactly_its_final_demand(e, y_new):
    Z, y, x = e
    n = len(y)
    Zb = np.zeros((n + 1, n + 1))
    Zb[:n, :n] = Z
    yb = np.append(y, y_new)
    xb = Zb.sum(1) + yb
    r = hypothetical_extraction(technical_coefficients(Zb, xb), xb)
    assert r.table["loss_total"].iloc[n] == y_new
    assert r.table["loss_backward"].iloc[n] == 0 and r.table["loss_forward"].iloc[n] == 0
    # every loss is at least the extracted sector's own final demand and at most total output
    assert (r.table["loss_total"].to_numpy() >= yb * (1 - 1e-9)).all()
    assert (r.table["loss_total"].to_numpy() <= xb.sum() * (1 + 1e-9)).all()


@SETTINGS
@given(st.integers(0, 2**31 - 1), st.integers(2, 6), st.integers(2, 6))
def test_gras_meets_margins_and_keeps_signs(seed, m, n):
    rng = np.random.default_rng(seed)
    Z0 = rng.normal(5, 5, (m, n))
    Z0[np.abs(Z0) < 0.5] = 1.0
    target = Z0 * rng.uniform(0.7, 1.4, (m, n))
    res = gras(Z0, target.sum(1), target.sum(0), rtol=1e-9, max_iter=20_000)
    np.testing.assert_allclose(res.Z.sum(1), target.sum(1), rtol=1e-7, atol=1e-7)
    np.testing.assert_allclose(res.Z.sum(0), target.sum(0), rtol=1e-7, atol=1e-7)
    assert (np.sign(res.Z) == np.sign(Z0)).all()
