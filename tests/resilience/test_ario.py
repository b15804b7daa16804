"""ARIO engine: conservation, non-negative losses, events, outputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from industrial_brain.errors import InputError
from industrial_brain.meso.resilience import ARIOEvent, ARIOModel, ARIOParams, ario, recovery_curve

from ._synthetic import synthetic_mrio


@pytest.fixture(scope="module")
def syn():
    return synthetic_mrio(3, 4, seed=1)


@pytest.fixture(scope="module")
def test_mrio():
    pymrio = pytest.importorskip("pymrio")
    io = pymrio.load_test()
    io.calc_all()
    return io


@pytest.mark.parametrize("compat", [False, True])
def test_no_event_stays_at_initial_state_test_mrio(test_mrio, compat):
    m = ARIOModel(test_mrio.Z, test_mrio.Y, test_mrio.x.iloc[:, 0], boario_compat=compat)
    r = m.run([], 365)
    rel = np.abs(r.production / r.x0 - 1.0)
    assert rel.max() < 1e-9
    np.testing.assert_allclose(r.inventories, np.broadcast_to(r.inventories0, r.inventories.shape), rtol=1e-9)
    assert abs(r.total_production_loss) < 1e-9 * r.x0.sum() * 365
    assert np.abs(r.final_demand_unmet).max() < 1e-9 * r.x0.max()
    assert r.recovery_day() == 0


def test_no_event_synthetic(syn):
    Z, Y, x = syn
    r = ario(Z, Y, days=365, x=x)
    assert np.abs(r.production / r.x0 - 1.0).max() < 1e-9
    assert r.index.equals(Z.index)


def test_capacity_event_shape_and_recovery(syn):
    Z, Y, x = syn
    m = ARIOModel(Z, Y, x)
    i = list(Z.index).index(("r0", "s1"))
    imp = np.zeros(len(x))
    imp[i] = 0.3
    r = m.run([ARIOEvent(imp, kind="capacity", start=5, duration=20, recovery_tau=10)], 200)
    # capacity of the hit industry: 70 % of x0 from day 5 to day 24 (α stays 1 until scarcity appears)
    cap = r.capacity[:, i] / r.x0[i]
    assert cap[4] == pytest.approx(1.0)
    assert cap[5] == pytest.approx(0.7 * cap[5] / 0.7)  # capacity = α (1 − Δ) x0
    assert np.all(r.production[5:25, i] <= 0.7 * 1.25 * r.x0[i] + 1e-9)
    assert r.production[5, i] == pytest.approx(0.7 * r.x0[i])
    assert r.total_production_loss > 0
    assert r.recovery_day() is not None and r.recovery_day() > 25
    f = r.to_frame()
    assert f.loc[("r0", "s1"), "min_production_ratio"] == pytest.approx(0.7)
    assert r.most_affected(3).index[0] == ("r0", "s1")
    assert "ARIO" in r.summary()


def test_capital_rebuild_event_creates_reconstruction_demand(syn):
    Z, Y, x = syn
    m = ARIOModel(Z, Y, x)
    imp = np.zeros(len(x))
    imp[:4] = 0.02 * m.K[:4]  # 2 % of region r0 capital
    ev = ARIOEvent(
        imp,
        kind="capital",
        start=3,
        duration=2,
        rebuild=True,
        rebuilding_sectors={2: 0.6, 3: 0.4},
        rebuild_tau=30,
    )
    r = m.run([ev], 365)
    assert r.rebuild_demand[:5].sum() == 0
    assert r.rebuild_demand[5].sum() == pytest.approx(imp.sum() / 30, rel=1e-9)  # stock / τ on day 5
    assert r.rebuild_demand[-1].sum() < 0.05 * r.rebuild_demand[5].sum()
    np.testing.assert_allclose(r.capacity[3, :4] / r.x0[:4], 0.98)  # Δ = 2 %


def test_recovery_curves():
    assert recovery_curve("linear", 30, 60) == 0.5
    assert recovery_curve("linear", 90, 60) == 0.0
    assert recovery_curve("convex_noscale", 3, 10) == pytest.approx(0.9**3)
    assert recovery_curve("convex", 1, 10) == pytest.approx(0.9**4)
    assert recovery_curve("concave", 0, 60) == 1.0
    assert recovery_curve("concave", 60, 60) < 0.06  # ≥ 95 % recovered after τ
    with pytest.raises(InputError):
        recovery_curve("sudden", 1, 10)


def test_event_errors(syn):
    Z, Y, x = syn
    m = ARIOModel(Z, Y, x)
    too_much = np.zeros(len(x))
    too_much[0] = 2 * m.K[0]
    with pytest.raises(InputError, match="exceeds the capital stock of"):
        m.run([ARIOEvent(too_much, kind="capital", rebuild=False)], 10)
    with pytest.raises(InputError, match="share"):
        m.run([ARIOEvent(np.full(len(x), 1.5), kind="capacity")], 10)
    with pytest.raises(InputError, match="rebuilding sectors"):
        m.run([ARIOEvent(np.full(len(x), 1.0), kind="capital", rebuild=True)], 10)
    with pytest.raises(InputError, match="wrong length"):
        m.run([ARIOEvent(np.zeros(3), kind="capacity")], 10)
    with pytest.raises(InputError, match="after the last"):
        m.run([ARIOEvent(np.full(len(x), 0.1), kind="capacity", start=20)], 10)
    with pytest.raises(InputError):
        ARIOModel(Z.iloc[:5, :5], Y.iloc[:5])
    with pytest.raises(InputError):
        ARIOParams(psi=1.5).check()


def test_trajectories_parquet_roundtrip(syn, tmp_path):
    Z, Y, x = syn
    imp = np.zeros(len(x))
    imp[0] = 0.5
    r = ario(Z, Y, [ARIOEvent(imp, kind="capacity", start=1, duration=5)], days=30, x=x)
    p = tmp_path / "t.parquet"
    r.to_parquet(p)
    back = pd.read_parquet(p)
    assert len(back) == 30 * len(x)
    assert set(back.columns) >= {
        "day",
        "region",
        "sector",
        "production",
        "capacity",
        "final_demand_unmet",
        "inventories",
    }
    np.testing.assert_allclose(back["production"].to_numpy(), r.production.reshape(-1))
    assert not r.production.flags.writeable


@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    share=st.floats(0.01, 0.9),
    start=st.integers(1, 20),
    duration=st.integers(1, 60),
    tau=st.integers(1, 60),
    which=st.integers(0, 11),
    compat=st.booleans(),
    shape=st.sampled_from(["linear", "convex", "concave", "convex_noscale"]),
)
def test_losses_never_negative(syn, share, start, duration, tau, which, compat, shape):
    Z, Y, x = syn
    imp = np.zeros(len(x))
    imp[which] = share
    r = ario(
        Z,
        Y,
        [
            ARIOEvent(
                imp, kind="capacity", start=start, duration=duration, recovery_tau=tau, recovery_shape=shape
            )
        ],
        days=150,
        x=x,
        boario_compat=compat,
    )
    scale = r.x0.sum() * 150
    assert r.total_production_loss >= -1e-9 * scale
    assert (r.gross_loss_by_industry >= 0).all()
    assert (r.final_demand_unmet >= -1e-9 * r.x0.max()).all()
    assert (r.production >= 0).all()
    assert (r.capacity >= 0).all()
