"""Static shocks and the inoperability model on hand-solved two-sector systems.

Miller & Blair (2009) Table 2.3: Z = [[150, 500], [200, 100]], x = (1000, 2000), Y = (350, 1700).
A = [[.15, .25], [.20, .05]]; I − A = [[.85, −.25], [−.20, .95]], det = .85·.95 − .25·.20 = .7575,
L = [[.95, .25], [.20, .85]] / .7575.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from industrial_brain.errors import InputError
from industrial_brain.meso.resilience import (
    demand_shock,
    dynamic_inoperability,
    inoperability,
    interdependency_matrix,
    recovery_coefficients,
    supply_shock,
)

A = np.array([[0.15, 0.25], [0.20, 0.05]])
x = np.array([1000.0, 2000.0])
Y = np.array([350.0, 1700.0])
v = np.array([650.0 / 1000.0, 1400.0 / 2000.0])  # V = x − 1'Z = (650, 1400)


def test_demand_shock_ten_percent_final_demand():
    # ΔY = −10 % of Y = (−35, −170)
    # ΔX1 = (.95·(−35) + .25·(−170)) / .7575 = (−33.25 − 42.5) / .7575 = −75.75 / .7575 = −100
    # ΔX2 = (.20·(−35) + .85·(−170)) / .7575 = (−7 − 144.5) / .7575 = −151.5 / .7575 = −200
    # ΔV = v ∘ ΔX = (.65·−100, .70·−200) = (−65, −140); jobs at (2, 1) per unit: (−200, −200)
    r = demand_shock(A, -0.1 * Y, satellites={"value_added": v, "jobs": [2.0, 1.0]})
    np.testing.assert_allclose(r.dx.to_numpy(), [-100.0, -200.0], rtol=1e-12)
    np.testing.assert_allclose(r.table["value_added"].to_numpy(), [-65.0, -140.0], rtol=1e-12)
    np.testing.assert_allclose(r.table["jobs"].to_numpy(), [-200.0, -200.0], rtol=1e-12)
    assert r.total["dx"] == pytest.approx(-300.0)
    assert "demand" in r.summary()


def test_demand_shock_one_sector_and_labels():
    # ΔY = (100, 0): ΔX = 100 · L[:, 0] = 100 · (.95, .20) / .7575 = (125.4125, 26.4026)
    idx = pd.Index(["agri", "manu"], name="sector")
    r = demand_shock(pd.DataFrame(A, idx, idx), pd.Series([100.0, 0.0], idx))
    assert list(r.dx.index) == ["agri", "manu"]
    np.testing.assert_allclose(r.dx.to_numpy(), [95.0 / 0.7575, 20.0 / 0.7575], rtol=1e-12)


def test_supply_shock_ghosh():
    # B = x̂⁻¹Z = [[.15, .50], [.10, .05]]; (I − B)ᵀ ΔX = ΔV with ΔV = (−100, 0):
    # .85 ΔX1 − .10 ΔX2 = −100 ; −.50 ΔX1 + .95 ΔX2 = 0  →  ΔX2 = (.5/.95) ΔX1,
    # ΔX1 (.85 − .1·.5/.95) = −100 → ΔX1 = −100 / .797368 = −125.4125, ΔX2 = −66.0066
    B = np.array([[0.15, 0.50], [0.10, 0.05]])
    r = supply_shock(B, [-100.0, 0.0])
    np.testing.assert_allclose(r.dx.to_numpy(), [-125.41254125, -66.00660066], rtol=1e-9)


def test_static_iim_ten_percent_final_demand():
    # c* = ΔY/x = (35/1000, 170/2000) = (.035, .085); A* = x̂⁻¹Ax̂ = [[.15, .50], [.10, .05]]
    # (I − A*) q = c*: .85 q1 − .5 q2 = .035 ; −.1 q1 + .95 q2 = .085 → q = (.1, .1)
    # (check: .085 − .05 = .035 ✓; −.01 + .095 = .085 ✓); loss = q ∘ x = (100, 200) = −ΔX above
    np.testing.assert_allclose(interdependency_matrix(A, x), [[0.15, 0.5], [0.1, 0.05]])
    r = inoperability(A, x, [0.035, 0.085])
    np.testing.assert_allclose(r.q.to_numpy(), [0.1, 0.1], rtol=1e-12)
    np.testing.assert_allclose(r.table["loss"].to_numpy(), [100.0, 200.0], rtol=1e-12)
    assert r.total_loss == pytest.approx(300.0)
    # the loss equals the Leontief demand shock
    np.testing.assert_allclose(r.table["loss"], -demand_shock(A, -0.1 * Y).dx.to_numpy())


def test_dynamic_iim_converges_to_static_and_recovers():
    # constant c* → q(t) → (I − A*)⁻¹ c* = (.1, .1)
    r = dynamic_inoperability(A, x, [0.5, 0.3], c_star=[0.035, 0.085], days=200)
    np.testing.assert_allclose(r.q.iloc[-1].to_numpy(), [0.1, 0.1], atol=1e-9)
    # one isolated sector: q(t) = q0 (1 − k)^t; recovery to 1 % of the peak after
    # t > ln(.01)/ln(.9) = 43.7 days → day 44
    r1 = dynamic_inoperability(np.zeros((1, 1)), [365.0], 0.1, q0=[0.5], days=100)
    np.testing.assert_allclose(r1.q.iloc[:, 0].to_numpy(), 0.5 * 0.9 ** np.arange(101), rtol=1e-12)
    assert r1.recovery_time.iloc[0] == 44
    # cumulative loss = Σ_{t≥1} q(t)·x/365 = 0.5·(0.9 − 0.9^101)/(1 − 0.9)
    assert r1.total_loss == pytest.approx(0.5 * (0.9 - 0.9**101) / 0.1)


def test_recovery_coefficient_reaches_target():
    # k = ln(q0/qT) / (T (1 − a*_ii)); on an isolated sector, e^{−kT} = qT/q0 → q(T) ≈ qT
    k = recovery_coefficients(np.zeros((1, 1)), 60.0, 0.4, 0.004)
    assert k[0] == pytest.approx(np.log(100.0) / 60.0)
    r = dynamic_inoperability(np.zeros((1, 1)), [1.0], k, q0=[0.4], days=60)
    assert r.q.iloc[-1, 0] == pytest.approx(0.4 * (1 - k[0]) ** 60)
    assert r.q.iloc[-1, 0] < 0.0045


def test_errors_are_input_errors():
    with pytest.raises(InputError):
        demand_shock(A, [1.0, 2.0, 3.0])
    with pytest.raises(InputError):
        dynamic_inoperability(A, x, 1.5)
    with pytest.raises(InputError):
        recovery_coefficients(np.zeros((1, 1)), 10.0, 0.1, 0.2)
