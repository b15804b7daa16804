"""Peer oracle: pymrio's bundled test MRIO (6 regions × 8 sectors), same numbers to 1e-9 relative."""

from __future__ import annotations

import numpy as np
import pytest

from industrial_brain.meso import (
    IOTable,
    leontief_inverse,
    multipliers,
    satellite_accounts,
    technical_coefficients,
)

pymrio = pytest.importorskip("pymrio")

pytestmark = pytest.mark.peer

RTOL = 1e-9


@pytest.fixture(scope="module")
def mrio():
    t = pymrio.load_test()
    t.calc_all()
    return t


def _close(ours, theirs, rtol=RTOL):
    o = np.asarray(ours, dtype=float)
    t = np.asarray(theirs, dtype=float)
    assert o.shape == t.shape
    # relative to each cell, with a floor at 1e-12 of the array's scale for exact zeros
    np.testing.assert_allclose(o, t, rtol=rtol, atol=1e-12 * np.abs(t).max())


@pytest.mark.parametrize("as_frame", [True, False])
def test_A_L_x(mrio, as_frame):
    Z = mrio.Z if as_frame else mrio.Z.to_numpy()
    x = mrio.x["indout"] if as_frame else mrio.x.to_numpy().ravel()
    A = technical_coefficients(Z, x)
    _close(A, mrio.A)
    L = leontief_inverse(A)
    _close(L, mrio.L)
    if as_frame:
        assert L.index.equals(mrio.L.index) and L.columns.equals(mrio.L.columns)
    acc = satellite_accounts(Z, mrio.Y, None) if as_frame else None
    if acc is not None:
        _close(acc.x, mrio.x["indout"])


def test_multipliers_and_footprints(mrio):
    table = IOTable(
        mrio.Z,
        mrio.Y,
        x=mrio.x["indout"],
        F=mrio.emissions.F,
        F_Y=mrio.emissions.F_Y,
        V=mrio.factor_inputs.F,
        check=False,
    )
    _close(table.L, mrio.L)
    m = table.multipliers().table
    _close(m["output"], mrio.L.sum(axis=0))
    for stressor in mrio.emissions.F.index:
        _close(m[f"{stressor}_total"], mrio.emissions.M.loc[stressor])
    acc = table.accounts()
    e = mrio.emissions
    for key in (
        "S",
        "M",
        "D_cba",
        "D_pba",
        "D_imp",
        "D_exp",
        "D_cba_reg",
        "D_pba_reg",
        "D_imp_reg",
        "D_exp_reg",
    ):
        ours = getattr(acc, key)
        theirs = getattr(e, key)
        assert list(map(tuple, ours.columns)) == list(map(tuple, theirs.columns)) or list(
            ours.columns
        ) == list(theirs.columns), key
        _close(ours.reindex(index=theirs.index), theirs)
    frame = acc.to_frame()
    assert list(frame.columns) == ["cba", "pba", "imp", "exp"] and frame.index.names[-1] == "region"
    assert "消费端" in acc.to_frame(lang="zh").columns and "Satellite accounts" in acc.summary()
    # the production and consumption totals agree (global balance of the footprint)
    np.testing.assert_allclose(acc.D_cba_reg.sum(axis=1), acc.D_pba_reg.sum(axis=1), rtol=1e-12)


def test_value_added_multipliers_match_pymrio_factor_inputs(mrio):
    fi = mrio.factor_inputs
    r = multipliers(mrio.A, S=fi.S)
    _close(r.table[f"{fi.S.index[0]}_total"], fi.M.iloc[0])
