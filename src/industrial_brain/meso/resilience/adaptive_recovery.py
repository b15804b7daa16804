"""Adaptive Regional Input–Output model (ARIO), multi-regional, daily steps.

The model of Hallegatte (2008; 2014) in the multi-regional form of BoARIO (Juhel 2023), with the
ψ inventory threshold and inventory-restoration time of ``ARIOPsiModel``. Every industry f = (r, s)
holds an inventory of each input product, orders inputs from suppliers in proportion to their
capacity-weighted share of the initial flows, produces the least of its capacity, total demand and
what its inventories allow, and rations all its clients (intermediate, final, reconstruction) in
proportion to their demand. Capacity is lost through destroyed capital (rebuilt by a
reconstruction demand or recovered along a shape) or directly (a share of capacity lost).

Implementation: the order matrix O (N × N) is never formed. With the "alt" order rule
O[(r,s), j] = Z₀[(r,s), j] · ρ₍r,s₎ · H[s, j] (ρ = capacity ratio, H = input gap ÷ capacity-weighted
flows), so every daily quantity that needs O (row sums, restocking by input product, the weights
C[s, j] = Σ_r Z₀[(r,s), j] ρ₍r,s₎) is a batched matrix product with Z₀ stored once as an
(S, R, N) array: no N × N temporary per step, two BLAS passes over Z₀ per day.

The daily step is one method per stage (events, capacity lost, reconstruction demand, overproduction,
capacity, production, rationing, inventories, recovery, orders). Where implementations differ, the
choice is data: an :class:`ARIOConventions` fixed when the model is built. ``boario_compat=True``
takes :meth:`ARIOConventions.boario`, which reproduces BoARIO 0.7.2 (``ARIOPsiModel``, order type
"alt") exactly, including the behaviours we deliberately do not follow by default:

* inventories are left unchanged on a day when restocking and use agree to ``np.allclose``
  (relative 1e-5) — we always book both;
* orders ignore the inventory gap when inventories agree with their target to ``np.allclose``;
* overproduction starts adjusting on day 2 (``t > 1``) — we start on day 1;
* a share of capacity lost ("capacity" events) takes effect one day late — we apply it the same day;
* destroyed capital still to rebuild is rounded to 1 / 10**(log10(monetary factor) + 1) each day
  and recovered capital to the same precision, capacity shares to 1e-6 — we do not round;
* an input counts as an input when Σ_r z_(r,s)j > 10⁻⁵ · x_j / 365 (annual flows against daily
  output) — we compare like with like, a_sj > 10⁻⁵;
* a product below that threshold still has an inventory that is booked, ordered for and checked
  (so a rationed negligible input can drain it below zero and stop the run) — we hold no inventory
  of it: it is bought for the day's use, never constrains production and cannot stop the run;
* a reconstruction demand addressed to a product no region supplies to the damaged industry is
  dropped — we spread it by the regions' output shares;
* inventory targets of one day or less are raised to two days — we keep them;
* once everything is rebuilt, the reconstruction demand left unmet on the last day stays in the
  demand — we drop it;
* a recovery ends when the rounded damage is 0 — we end it when its curve reaches 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Literal, Mapping, Sequence

import numpy as np
import pandas as pd

from industrial_brain._shared.results import ResultMixin, readonly
from industrial_brain.errors import InputError, MethodError
from industrial_brain.lineage import Lineage

__all__ = [
    "ARIOParams",
    "ARIOEvent",
    "ARIOConventions",
    "ARIOModel",
    "ARIOResult",
    "ario",
    "recovery_curve",
    "RECOVERY_SHAPES",
]

RECOVERY_SHAPES = ("linear", "convex", "convex_noscale", "concave")


def recovery_curve(shape: str, elapsed: float | np.ndarray, tau: float) -> Any:
    """Share of the initial impact still present ``elapsed`` days after recovery starts.

    Parameters
    ----------
    shape : {"linear", "convex", "convex_noscale", "concave"}
        BoARIO's recovery functions: linear ``1 − t/τ``; convex ``(1 − 1/τ)^(4t)`` (scaled so that
        > 95 % is recovered after τ); convex_noscale ``(1 − 1/τ)^t``; concave (S-shaped)
        ``τ / (τ + 10⁻⁶ t^k)`` with k = (ln τ − ln 10⁻⁶)/(ln τ − ln 2) (linear for τ ≤ 2).
    elapsed : float or ndarray
        Days since recovery started (≥ 0).
    tau : float
        Recovery time τ in days (> 0).

    Returns
    -------
    float or ndarray
        Remaining share in [0, 1] (linear is clipped at 0).

    References
    ----------
    Juhel, S. (2023). BoARIO: a Python implementation of the ARIO model. *JOSS* 8(91), 5547
    (``boario.utils.recovery_functions``).

    Examples
    --------
    >>> recovery_curve("linear", 30, 60)        # half way through a 60-day linear recovery
    0.5
    >>> round(recovery_curve("convex_noscale", 2, 10), 2)   # 0.9 ** 2
    0.81
    """
    t = np.asarray(elapsed, dtype=np.float64)
    if shape == "linear":
        out = np.maximum(1.0 - t / tau, 0.0)
    elif shape == "convex":
        out = (1.0 - 1.0 / tau) ** (4.0 * t)
    elif shape == "convex_noscale":
        out = (1.0 - 1.0 / tau) ** t
    elif shape == "concave" and tau <= 2:  # the S-curve's exponent is undefined at τ = 2 (BoARIO: 1/0)
        out = np.maximum(1.0 - t / tau, 0.0)
    elif shape == "concave":
        steep = 1e-6
        k = (math.log(tau) - math.log(steep)) / (math.log(tau) - math.log(2.0))
        with np.errstate(divide="ignore", over="ignore"):
            out = tau / (tau + steep * t**k)
    else:
        raise InputError.at("unknown recovery shape", value=shape, expected=" / ".join(RECOVERY_SHAPES))
    return float(out) if out.ndim == 0 else out


@dataclass(frozen=True)
class ARIOParams:
    """Parameters of the ARIO model (defaults: BoARIO ``ARIOPsiModel`` and Hallegatte 2008).

    Attributes
    ----------
    alpha_base, alpha_max : float
        Overproduction factor at rest (1.0) and its ceiling α_max (1.25).
    alpha_tau : float
        Characteristic time τ_α of overproduction, days (365).
    rebuild_tau : int
        Characteristic reconstruction time, days (60), unless an event sets its own.
    inventory_days : float or sequence
        Target inventory n_s of each input product, days of use (90); ``inf`` = never constraining.
    inventory_tau : float or sequence
        Inventory restoration time τ_INV per product, days (60).
    psi : float
        ψ: production is cut when an inventory falls below ψ × its target (0.8).
    order_type : {"alt", "noalt"}
        "alt" (Guan et al. 2020): suppliers' shares weighted by their current capacity; "noalt": fixed.
    capital_to_va : float or sequence
        Capital stock per unit of value added (4) when ``capital`` is not given.
    monetary_factor : int
        Unit of the table (10⁶ for millions); only used for BoARIO-compatible rounding.
    """

    alpha_base: float = 1.0
    alpha_max: float = 1.25
    alpha_tau: float = 365.0
    rebuild_tau: int = 60
    inventory_days: Any = 90.0
    inventory_tau: Any = 60.0
    psi: float = 0.8
    order_type: Literal["alt", "noalt"] = "alt"
    capital_to_va: Any = 4.0
    monetary_factor: int = 10**6

    def check(self) -> None:
        """Raise an :class:`~industrial_brain.errors.InputError` on parameters outside their domain."""
        if not 0 < self.psi <= 1:
            raise InputError.at("psi must be in (0, 1]", value=self.psi)
        if self.alpha_max < self.alpha_base or self.alpha_base <= 0:
            raise InputError.at("need 0 < alpha_base <= alpha_max", value=(self.alpha_base, self.alpha_max))
        if self.alpha_tau <= 0 or self.rebuild_tau <= 0:
            raise InputError.at(
                "alpha_tau and rebuild_tau must be positive", value=(self.alpha_tau, self.rebuild_tau)
            )
        if self.order_type not in ("alt", "noalt"):
            raise InputError.at("unknown order_type", value=self.order_type, expected="alt or noalt")


@dataclass(frozen=True)
class ARIOEvent:
    """One shock, given per industry (region–sector, in the model's order).

    Attributes
    ----------
    impact : ndarray (N,)
        ``kind="capital"``: capital destroyed, table units; ``kind="capacity"``: share of capacity lost (0–1).
    kind : {"capital", "capacity"}
    start : int
        Day the event strikes (≥ 1).
    duration : int
        Days before recovery or reconstruction starts (≥ 1).
    rebuild : bool
        For capital: rebuild through a reconstruction demand (True) or recover along ``recovery_shape``.
    recovery_tau : int
        Recovery time for recovering capital or lost capacity, days.
    recovery_shape : str
        One of :data:`RECOVERY_SHAPES`.
    rebuild_tau : int or None
        Reconstruction time (the model's ``rebuild_tau`` if None).
    rebuilding_sectors : mapping sector position → share
        Products that rebuild the capital (shares sum to 1),
        e.g. ``{construction: 0.55, manufacturing: 0.45}``.
    rebuilding_factor : float
        Reconstruction demand per unit of capital destroyed (1).
    name : str
    """

    impact: np.ndarray
    kind: Literal["capital", "capacity"] = "capital"
    start: int = 1
    duration: int = 1
    rebuild: bool = True
    recovery_tau: int = 30
    recovery_shape: str = "linear"
    rebuild_tau: int | None = None
    rebuilding_sectors: Mapping[int, float] = field(default_factory=dict)
    rebuilding_factor: float = 1.0
    name: str = "event"


@dataclass(frozen=True)
class ARIOConventions:
    """The choices on which ARIO implementations differ, settled once per model.

    The defaults are ours; :meth:`boario` gives BoARIO 0.7.2's (``ARIOPsiModel``, order type "alt"),
    which :class:`ARIOModel` uses with ``boario_compat=True``. The daily step reads them; it has no
    other compatibility switch.

    Attributes
    ----------
    input_threshold : float
        Product s is an input of j when a_sj > ``input_threshold``. Ours 10⁻⁵; BoARIO compares annual
        flows with daily output, Σ_r z_(r,s)j > 10⁻⁵ · x_j / 365, i.e. a_sj > 10⁻⁵ / 365.
    short_inventory_days : float or None
        Inventory targets of at most one day are raised to this many days (BoARIO: 2); None keeps them.
    rebuild_fallback : bool
        A reconstruction demand for a product no region supplies to the damaged industry is spread by
        the regions' output of that product (ours); BoARIO drops it.
    capacity_loss_next_day : bool
        A share of capacity lost ("capacity" events) takes effect one day late (BoARIO); ours the same day.
    overproduction_from_day : int
        First day on which overproduction adjusts: 1 (ours) or 2 (BoARIO, ``t > 1``).
    skip_balanced_restocking : bool
        Leave inventories unchanged on a day when restocking and use agree to ``np.allclose``
        (relative 10⁻⁵; BoARIO); ours always books both.
    skip_gap_at_target : bool
        Orders ignore the inventory gap when inventories agree with their target to ``np.allclose`` (BoARIO).
    keep_last_rebuild_demand : bool
        Once nothing is left to rebuild, the reconstruction demand still unmet on the last rebuilding day
        stays in the demand (BoARIO); ours drops it.
    capital_decimals, capacity_decimals : int or None
        Capital still to rebuild or to recover is rounded each day to ``capital_decimals`` decimals
        (BoARIO: log10(monetary factor) + 1) and capacity shares to ``capacity_decimals`` (BoARIO: 6);
        None = no rounding (ours).
    stop_recovery_at_curve_end : bool
        A recovery ends when its curve reaches 0 (ours); BoARIO waits for the (rounded) damage to be 0.
    stock_non_inputs : bool
        Products that are not inputs of j (a_sj ≤ ``input_threshold``) still have an inventory at j,
        booked (S += deliveries − a_sj x_j), ordered for (gap to n_s a_sj x*_j) and checked for negative
        values, although they never cut production (BoARIO). Ours (False): no inventory of them — j
        orders a_sj x_j, today's use, and uses what it is delivered; the threshold then means the same
        in production, inventories and orders.
    """

    input_threshold: float = 1e-5
    short_inventory_days: float | None = None
    rebuild_fallback: bool = True
    capacity_loss_next_day: bool = False
    overproduction_from_day: int = 1
    skip_balanced_restocking: bool = False
    skip_gap_at_target: bool = False
    keep_last_rebuild_demand: bool = False
    capital_decimals: int | None = None
    capacity_decimals: int | None = None
    stop_recovery_at_curve_end: bool = True
    stock_non_inputs: bool = False

    @classmethod
    def boario(cls, monetary_factor: int = 10**6) -> "ARIOConventions":
        """BoARIO 0.7.2's conventions for a table in units of ``monetary_factor``.

        Examples
        --------
        >>> ARIOConventions.boario(10**6).capital_decimals
        7
        """
        return cls(
            input_threshold=1e-5 / 365.0,
            short_inventory_days=2.0,
            rebuild_fallback=False,
            capacity_loss_next_day=True,
            overproduction_from_day=2,
            skip_balanced_restocking=True,
            skip_gap_at_target=True,
            keep_last_rebuild_demand=True,
            capital_decimals=int(math.log10(monetary_factor)) + 1,
            capacity_decimals=6,
            stop_recovery_at_curve_end=False,
            stock_non_inputs=True,
        )


def _rounded(a: np.ndarray, decimals: int | None) -> np.ndarray:
    return a if decimals is None else np.round(a, decimals)


class _Tracker:
    """Mutable state of one event during a run."""

    __slots__ = ("ev", "status", "dmg0", "dmg", "arb0", "arb", "reb", "reb_rows", "cols", "tau")

    def __init__(self, ev: ARIOEvent) -> None:
        self.ev = ev
        self.status = "pending"
        self.dmg0 = self.dmg = self.arb0 = self.arb = self.reb = None
        self.reb_rows = self.cols = None
        self.tau = 1.0


class _State:
    """What one day hands to the next."""

    __slots__ = ("x", "alpha", "stock", "H", "o_tot", "rho", "reb_left", "arb_prev")

    def __init__(self, model: "ARIOModel") -> None:
        N = model.N
        self.x = model.X0.copy()  # yesterday's production
        self.alpha = np.full(N, model.params.alpha_base)
        self.stock = model.stock0.copy()  # inventories S (S × N)
        self.H = (model.ZC0 != 0).astype(np.float64)  # order scaling: initial orders = Z₀
        self.o_tot = model.Zt.sum(axis=2).T.reshape(-1)  # row sums of the orders: Z₀·1
        self.rho = np.ones(N)  # suppliers' capacity ratios behind yesterday's orders
        self.reb_left = np.zeros(N)  # reconstruction demand left unmet yesterday
        self.arb_prev = np.zeros(N)  # yesterday's capacity shares lost


class ARIOModel:
    """An ARIO economy built once from Z, Y, x (annual flows), run many times.

    Parameters
    ----------
    Z : (N, N) ndarray or DataFrame
        Intermediate flows, industries in region-major order (index = r·S + s). A DataFrame with a
        2-level (region, sector) index supplies the labels.
    Y : (N, F) or (N,) array
        Final demand (any number of columns; only its row sums enter the model).
    x : (N,) array, optional
        Gross output (default Z·1 + Y·1).
    n_regions : int, optional
        Number of regions (required for bare arrays; from the index for frames).
    params : ARIOParams
    capital : (N,) array, optional
        Productive capital stock (default ``capital_to_va`` × value added, x − 1'Z, floored at 0).
    boario_compat : bool
        Reproduce BoARIO 0.7.2 step for step: the model's ``conventions`` are
        :meth:`ARIOConventions.boario` instead of the defaults (see the module notes).
    negative_final_demand : {"supply", "keep", "error"}
        Industries whose net final demand Y·1 is negative (imports, inflows or balancing columns
        larger than final use) would face a negative demand once their clients cut orders. "supply"
        (default) counts the negative part as competing supply: x' = x + |Y·1|, final demand 0, so
        the initial state is unchanged and demand stays ≥ 0; "keep" leaves it (as BoARIO);
        "error" refuses the table.

    Notes
    -----
    Day t (t = 0, 1, …) runs in BoARIO's order:

    1. event status; capacity loss Δ_f = max(capital lost_f / K_f, share lost_f); reconstruction
       demand = remaining damage / τ_REBUILD;
    2. overproduction α_f += (α_max − α_f)·σ_f/τ_α if scarcity σ_f = (D_f − x_f)/D_f ≠ 0, else
       (α_b − α_f)/τ_α; floored at 1;
    3. capacity x̄_f = α_f (1 − Δ_f) x⁰_f; x*_f = min(D_f, x̄_f); production
       x_f = x*_f · min(1, min_s S_sf / (ψ n_s a_sf x*_f)) over inputs s;
    4. rationing: every client of f receives x_f / D_f of its demand; inventories
       S_sf += Σ_r deliveries_(r,s)→f − a_sf x_f; reconstruction stocks fall by what they receive;
    5. orders for tomorrow: input gap (n_s a_sf x*_f − S_sf)⁺ / τ_INV + a_sf x_f, split between
       regions by Z₀ weighted with suppliers' capacity ratios.

    References
    ----------
    Hallegatte, S. (2008). An adaptive regional input–output model and its application to the
    assessment of the economic cost of Katrina. *Risk Analysis* 28(3), 779–799.
    Hallegatte, S. (2014). Modeling the role of inventories and heterogeneity in the assessment of the
    economic costs of natural disasters. *Risk Analysis* 34(1), 152–167.
    Guan, D. et al. (2020). Global supply-chain effects of COVID-19 control measures. *Nature Human
    Behaviour* 4, 577–587.
    Juhel, S. (2023). BoARIO. *JOSS* 8(91), 5547.
    """

    def __init__(
        self,
        Z: Any,
        Y: Any,
        x: Any | None = None,
        *,
        n_regions: int | None = None,
        params: ARIOParams | None = None,
        capital: Any | None = None,
        boario_compat: bool = False,
        negative_final_demand: Literal["supply", "keep", "error"] = "supply",
    ) -> None:
        self.params = params = params or ARIOParams()
        params.check()
        self.compat = bool(boario_compat)
        self.conventions = (
            ARIOConventions.boario(params.monetary_factor) if self.compat else ARIOConventions()
        )
        self.index: pd.Index | None = Z.index if isinstance(Z, pd.DataFrame) else None
        Zm = np.asarray(Z.to_numpy() if isinstance(Z, pd.DataFrame) else Z, dtype=np.float64)
        if Zm.ndim != 2 or Zm.shape[0] != Zm.shape[1]:
            raise InputError.at("Z must be square", value=f"shape {Zm.shape}", expected="N × N")
        N = Zm.shape[0]
        Ym = np.asarray(Y.to_numpy() if isinstance(Y, (pd.DataFrame, pd.Series)) else Y, dtype=np.float64)
        if Ym.ndim == 1:
            Ym = Ym[:, None]
        if Ym.shape[0] != N:
            raise InputError.at("Y has the wrong number of rows", value=Ym.shape[0], expected=str(N))
        if not (np.isfinite(Zm).all() and np.isfinite(Ym).all()):
            raise InputError.at("Z and Y must be finite", expected="finite numbers")
        if (Zm < 0).any():
            raise InputError.at("Z has negative flows", value=float(Zm.min()), expected="Z ≥ 0")
        if n_regions is None:
            if isinstance(self.index, pd.MultiIndex) and self.index.nlevels >= 2:
                n_regions = self.index.get_level_values(0).nunique()
            else:
                n_regions = 1
        R = int(n_regions)
        if R < 1 or N % R:
            raise InputError.at("N is not a multiple of the number of regions", value=(N, R))
        S = N // R
        if isinstance(self.index, pd.MultiIndex) and self.index.nlevels >= 2:
            reg = self.index.get_level_values(0)
            sec = self.index.get_level_values(1)
            ok = (
                reg.unique().size == R
                and all((sec[r * S : (r + 1) * S] == sec[:S]).all() for r in range(R))
                and all((reg[r * S : (r + 1) * S] == reg[r * S]).all() for r in range(R))
            )
            if not ok:
                raise InputError.at(
                    "industries must be ordered region by region with the same sectors in each",
                    expected="index (region, sector) in region-major order",
                )
            self.regions = pd.Index(reg[::S], name="region")
            self.sectors = pd.Index(sec[:S], name="sector")
        else:
            self.regions = pd.RangeIndex(R, name="region")
            self.sectors = pd.RangeIndex(S, name="sector")
            if self.index is None or not isinstance(self.index, pd.MultiIndex):
                self.index = pd.MultiIndex.from_product(
                    [self.regions, self.sectors], names=["region", "sector"]
                )
        self.R, self.S, self.N = R, S, N
        xv = (
            Zm.sum(axis=1) + Ym.sum(axis=1)
            if x is None
            else np.asarray(
                x.to_numpy() if isinstance(x, (pd.Series, pd.DataFrame)) else x, dtype=np.float64
            ).reshape(-1)
        )
        if xv.shape != (N,):
            raise InputError.at("x has the wrong length", value=xv.shape, expected=str(N))
        if (xv < 0).any():
            raise InputError.at("x has negative output", value=float(xv.min()))
        fd_row = Ym.sum(axis=1)
        neg = fd_row < 0
        self.notes: list[str] = []
        if neg.any():
            if negative_final_demand == "error":
                i = int(np.argmax(neg))
                raise InputError.at(
                    f"final demand of {self._name(i)} is negative",
                    value=float(fd_row[i]),
                    expected="Y·1 ≥ 0 (or negative_final_demand='supply')",
                )
            if negative_final_demand == "supply":
                # a negative net final demand (imports, inflows, stock draws, balancing items) is a
                # competing supply: count it as supply so that demand stays ≥ 0 (x' = Z·1 + Y⁺·1)
                xv = xv - np.where(neg, fd_row, 0.0)
                fd_row = np.where(neg, 0.0, fd_row)
                self.notes.append(
                    f"{int(neg.sum())} industries with negative net final demand: counted as "
                    "competing supply (x' = x + |Y·1|, final demand 0)"
                )
            elif negative_final_demand != "keep":
                raise InputError.at(
                    "unknown negative_final_demand",
                    value=negative_final_demand,
                    expected="supply | keep | error",
                )
        self.x_annual = xv
        day = 1.0 / 365.0
        # Z₀ daily, stored once as (S, R, N): Zt[s, r, j] = z_(r,s)j / 365
        self.Zt = np.ascontiguousarray((Zm * day).reshape(R, S, N).transpose(1, 0, 2))
        self.X0 = xv * day
        self.fd0 = fd_row * day
        ZC = self.Zt.sum(axis=1)  # (S, N) daily flows by input product
        inv_x = np.zeros(N)
        np.divide(1.0, xv, out=inv_x, where=xv != 0)
        self.tech = ZC * 365.0 * inv_x  # a_sj = Σ_r z_(r,s)j / x_j
        self.is_input = self.tech > self.conventions.input_threshold
        self.ZC0 = ZC
        self.va = np.maximum(xv - Zm.sum(axis=0), 0.0)
        if capital is None:
            k = np.asarray(params.capital_to_va, dtype=np.float64)
            if k.ndim and k.size == S:
                k = np.tile(k, R)
            elif k.ndim and k.size != N:
                raise InputError.at(
                    "capital_to_va has the wrong length", value=k.size, expected=f"1, {S} or {N}"
                )
            self.K = self.va * k
        else:
            self.K = np.asarray(capital, dtype=np.float64).reshape(-1)
            if self.K.shape != (N,):
                raise InputError.at("capital has the wrong length", value=self.K.shape, expected=str(N))
        inv_days = np.broadcast_to(np.asarray(params.inventory_days, dtype=np.float64), (S,)).copy()
        if self.conventions.short_inventory_days is not None:
            inv_days[inv_days <= 1] = self.conventions.short_inventory_days
        self.inv_days = inv_days
        thin = inv_days * params.psi < 1
        if thin.any():  # production is cut only below ψ n_s days of use: a day's use can exceed the stock
            names = ", ".join(str(self.sectors[k]) for k in np.flatnonzero(thin)[:5])
            self.notes.append(
                f"psi x inventory days < 1 for {int(thin.sum())} products ({names}): a day's use can exceed "
                "the inventory; the run stops if one runs short"
            )
        self.inv_days_finite = np.where(np.isfinite(inv_days), inv_days, 0.0)
        self.restore = 1.0 / np.broadcast_to(np.asarray(params.inventory_tau, dtype=np.float64), (S,))
        # products held as inventories: every product (BoARIO) or only the inputs (ours; the others are
        # bought for the day's use, so the input threshold means the same everywhere)
        self.stocked: np.ndarray | None = None if self.conventions.stock_non_inputs else self.is_input
        if self.stocked is not None and self.stocked.all():
            self.stocked = None
        with np.errstate(invalid="ignore"):
            S0 = self.tech * self.X0 * inv_days[:, None]
        self.stock0 = np.nan_to_num(S0, nan=np.inf)
        self.ZA = Zm  # kept only to build reconstruction distributions (no copy)
        # constants of the daily step
        self.tech_goal = self.tech * self.inv_days_finite[:, None]  # target inventory per unit of output
        if self.stocked is not None:
            self.stock0[~self.stocked] = 0.0
            self.tech_goal[~self.stocked] = 0.0
            self.stocked_f = self.stocked.astype(np.float64)
        self.tech_need = self.tech_goal * params.psi  # ψ n_s a_sf: below it production is cut
        self.finite_stock = bool(np.isfinite(self.stock0).all())
        self.neg_tol = -1e-9 * np.maximum(np.where(np.isfinite(self.stock0), self.stock0, 0.0), 1.0)
        self.inv_X0 = np.zeros(N)
        np.divide(1.0, self.X0, out=self.inv_X0, where=self.X0 != 0)
        self.inv_K = np.zeros(N)
        np.divide(1.0, self.K, out=self.inv_K, where=self.K != 0)
        self.tau_a = 1.0 / params.alpha_tau
        self.noalt = params.order_type == "noalt"

    # ------------------------------------------------------------------ events
    def _tracker(self, ev: ARIOEvent) -> _Tracker:
        N, R, S = self.N, self.R, self.S
        imp = np.asarray(ev.impact, dtype=np.float64).reshape(-1)
        if imp.shape != (N,):
            raise InputError.at(
                f"event '{ev.name}': impact has the wrong length", value=imp.shape, expected=str(N)
            )
        if (imp < 0).any() or not np.isfinite(imp).all():
            raise InputError.at(
                f"event '{ev.name}': impact must be finite and ≥ 0", value=float(np.nanmin(imp))
            )
        if ev.start < 1 or ev.duration < 1:
            raise InputError.at(
                f"event '{ev.name}': start and duration must be ≥ 1", value=(ev.start, ev.duration)
            )
        if ev.recovery_shape not in RECOVERY_SHAPES:
            raise InputError.at(
                f"event '{ev.name}': unknown recovery shape",
                value=ev.recovery_shape,
                expected=" / ".join(RECOVERY_SHAPES),
            )
        tr = _Tracker(ev)
        if ev.kind == "capacity":
            if (imp > 1).any():
                raise InputError.at(
                    f"event '{ev.name}': a capacity loss is a share",
                    value=float(imp.max()),
                    expected="0 ≤ share ≤ 1",
                )
            tr.arb0 = imp.copy()
            tr.arb = imp.copy()
            return tr
        if ev.kind != "capital":
            raise InputError.at(
                f"event '{ev.name}': unknown kind", value=ev.kind, expected="capital or capacity"
            )
        over = imp > self.K * (1 + 1e-12)
        if over.any():
            i = int(np.argmax(over))
            raise InputError.at(
                f"event '{ev.name}': capital destroyed exceeds the capital stock of {self._name(i)}",
                value=float(imp[i]),
                expected=f"≤ {self.K[i]:.6g}",
            )
        tr.dmg0 = imp.copy()
        tr.dmg = imp.copy()
        if ev.rebuild:
            shares = dict(ev.rebuilding_sectors)
            if not shares:
                raise InputError.at(
                    f"event '{ev.name}': rebuilding sectors are needed to rebuild capital",
                    expected="e.g. {construction: 0.55, manufacturing: 0.45}",
                )
            tot = sum(shares.values())
            if not math.isclose(tot, 1.0, rel_tol=1e-6):
                raise InputError.at(f"event '{ev.name}': rebuilding shares must sum to 1", value=tot)
            cols = np.flatnonzero(imp > 0)
            secs = np.array(sorted(shares), dtype=np.int64)
            if ((secs < 0) | (secs >= S)).any():
                raise InputError.at(f"event '{ev.name}': rebuilding sector out of range", value=list(secs))
            sh = np.array([shares[s] for s in secs])
            rows = (np.arange(R)[:, None] * S + secs[None, :]).reshape(-1)  # (R·k,) region-major
            Zsub = self.ZA[np.ix_(rows, cols)].reshape(R, len(secs), len(cols))
            tot_r = Zsub.sum(axis=0, keepdims=True)
            dist = np.zeros_like(Zsub)
            np.divide(Zsub, tot_r, out=dist, where=tot_r != 0)
            if self.conventions.rebuild_fallback:  # nobody supplies s to j: spread by regions' output of s
                xs = self.x_annual[rows].reshape(R, len(secs), 1)
                xs_tot = xs.sum(axis=0, keepdims=True)
                fallback = np.divide(xs, xs_tot, out=np.full_like(xs, 1.0 / R), where=xs_tot != 0)
                dist = np.where(tot_r == 0, fallback, dist)
            demand = sh[None, :, None] * imp[cols][None, None, :] * ev.rebuilding_factor
            tr.reb = (demand * dist).reshape(R * len(secs), len(cols))
            tr.reb_rows, tr.cols = rows, cols
            tr.tau = float(ev.rebuild_tau or self.params.rebuild_tau)
        return tr

    def _name(self, i: int) -> str:
        return str(self.index[i]) if self.index is not None else str(i)

    # ------------------------------------------------------------------ run
    def run(
        self, events: Sequence[ARIOEvent] = (), days: int = 365, *, record_inventories: bool = True
    ) -> "ARIOResult":
        """Simulate ``days`` days; returns an :class:`ARIOResult`."""
        days = int(days)
        if days < 1:
            raise InputError.at("days must be ≥ 1", value=days)
        trackers = [self._tracker(ev) for ev in events]
        for tr in trackers:
            if tr.ev.start > days:
                raise InputError.at(
                    f"event '{tr.ev.name}' starts after the last simulated day",
                    value=tr.ev.start,
                    expected=f"≤ {days}",
                )
        N = self.N
        st = _State(self)
        out_x = np.empty((days, N))
        out_cap = np.empty((days, N))
        out_unmet = np.empty((days, N))
        out_dem = np.empty((days, N))
        out_reb = np.empty((days, N))
        out_inv = np.empty((days, N)) if record_inventories else None
        for t in range(days):
            # 1. events, capacity lost, reconstruction demand
            lost, arb, rebuilding = self._event_status(t, trackers)
            delta = self._capacity_loss(st, lost, arb)
            reb_tot = self._reconstruction_demand(st, trackers, rebuilding)
            D = st.o_tot + self.fd0 + reb_tot
            # 2. overproduction, 3. production
            self._overproduction(st, t, D)
            cap = self._production_capacity(st, delta)
            x = self._production(st, D, cap)
            # 4. distribution (proportional rationing), inventories, reconstruction received, recovery
            share = self._rationing(x, D)
            use = self._inventory_update(st, t, share, x)
            reb_prod_tot = reb_tot * share
            st.reb_left = reb_tot - reb_prod_tot
            self._events_progress(t, trackers, share)
            # 5. orders for tomorrow
            self._orders(st, D - reb_prod_tot, cap, use)
            out_x[t] = x
            out_cap[t] = cap
            out_unmet[t] = self.fd0 * (1.0 - share)
            out_dem[t] = D
            out_reb[t] = reb_tot
            if out_inv is not None:
                out_inv[t] = (
                    st.stock.sum(axis=0)
                    if self.finite_stock
                    else np.where(np.isfinite(st.stock), st.stock, 0.0).sum(axis=0)
                )
        p = self.params
        return ARIOResult(
            production=readonly(out_x),
            capacity=readonly(out_cap),
            final_demand_unmet=readonly(out_unmet),
            demand=readonly(out_dem),
            rebuild_demand=readonly(out_reb),
            inventories=readonly(out_inv) if out_inv is not None else None,
            x0=readonly(self.X0.copy()),
            inventories0=readonly(np.where(np.isfinite(self.stock0), self.stock0, 0.0).sum(axis=0)),
            index=self.index,
            events=tuple(ev.name for ev in events),
            event_start=min((ev.start for ev in events), default=0),
            lineage=Lineage.make(
                "meso.resilience.ario",
                {
                    "days": days,
                    "boario_compat": self.compat,
                    "alpha_max": p.alpha_max,
                    "alpha_tau": p.alpha_tau,
                    "rebuild_tau": p.rebuild_tau,
                    "psi": p.psi,
                    "order_type": p.order_type,
                    "inventory_days": _plain(p.inventory_days),
                    "inventory_tau": _plain(p.inventory_tau),
                    "events": [ev.name for ev in events],
                    "N": N,
                    "regions": self.R,
                    "notes": list(self.notes),
                },
            ),
        )

    # ------------------------------------------------------------------ the daily step
    def _event_status(self, t: int, trackers: list[_Tracker]) -> tuple[np.ndarray, np.ndarray, bool]:
        """Advance every event's status to day t; capital lost, capacity shares lost, any rebuilding."""
        N = self.N
        lost = np.zeros(N)
        arb = np.zeros(N)
        rebuilding = False
        for tr in trackers:
            ev = tr.ev
            if tr.status == "pending" and t - 1 <= ev.start <= t:
                tr.status = "happening"
            if tr.status == "happening" and t >= ev.start + ev.duration:
                tr.status = "rebuilding" if ev.kind == "capital" and ev.rebuild else "recovering"
            if tr.status in ("happening", "rebuilding", "recovering"):
                if tr.dmg is not None:
                    lost += tr.dmg
                if tr.arb is not None:
                    np.maximum(arb, tr.arb, out=arb)
            if tr.status == "rebuilding":
                rebuilding = True
        return lost, arb, rebuilding

    def _capacity_loss(self, st: _State, lost: np.ndarray, arb: np.ndarray) -> np.ndarray:
        """Δ_f = max(capital lost_f / K_f, share of capacity lost_f)."""
        applied = st.arb_prev if self.conventions.capacity_loss_next_day else arb
        st.arb_prev = arb
        return np.maximum(lost * self.inv_K, applied)

    def _reconstruction_demand(self, st: _State, trackers: list[_Tracker], rebuilding: bool) -> np.ndarray:
        """Reconstruction demand addressed to each industry today: damage still to rebuild / τ_REBUILD."""
        if rebuilding:
            reb_tot = np.zeros(self.N)
            for tr in trackers:
                if tr.status == "rebuilding" and tr.reb is not None:
                    np.add.at(reb_tot, tr.reb_rows, tr.reb.sum(axis=1) / tr.tau)
            return reb_tot
        return st.reb_left if self.conventions.keep_last_rebuild_demand else np.zeros(self.N)

    def _overproduction(self, st: _State, t: int, D: np.ndarray) -> None:
        """α_f += (α_max − α_f)·σ_f/τ_α if scarcity σ_f = (D_f − x_f)/D_f ≠ 0, else (α_b − α_f)/τ_α; α ≥ 1."""
        if t < self.conventions.overproduction_from_day:
            return
        p = self.params
        scarcity = np.zeros(self.N)
        np.divide(D - st.x, D, out=scarcity, where=D != 0)
        alpha = st.alpha + np.where(
            scarcity != 0,
            (p.alpha_max - st.alpha) * scarcity * self.tau_a,
            (p.alpha_base - st.alpha) * self.tau_a,
        )
        np.maximum(alpha, 1.0, out=alpha)
        st.alpha = alpha

    def _production_capacity(self, st: _State, delta: np.ndarray) -> np.ndarray:
        """x̄_f = x⁰_f (1 − Δ_f) α_f."""
        cap = self.X0 * (1.0 - delta) * st.alpha
        if (cap < 0).any():
            raise MethodError("production capacity became negative: an impact is larger than the sector")
        return cap

    def _production(self, st: _State, D: np.ndarray, cap: np.ndarray) -> np.ndarray:
        """x_f = x*_f · min(1, min_s S_sf / (ψ n_s a_sf x*_f)) with x*_f = min(D_f, x̄_f) ≥ 0."""
        x_opt = np.minimum(D, cap)
        np.maximum(x_opt, 0.0, out=x_opt)
        need = self.tech_need * x_opt
        short = st.stock < need
        short &= self.is_input
        if short.any():
            ratio = np.ones((self.S, self.N))
            np.divide(st.stock, need, out=ratio, where=short)
            x = x_opt * np.minimum(ratio.min(axis=0), 1.0)
        else:
            x = x_opt.copy()
        st.x = x
        return x

    @staticmethod
    def _rationing(x: np.ndarray, D: np.ndarray) -> np.ndarray:
        """Share x_f / D_f of its demand that every client of f receives (0 where D_f = 0)."""
        share = np.zeros(len(x))
        np.divide(x, D, out=share, where=D != 0)
        return share

    def _inventory_update(self, st: _State, t: int, share: np.ndarray, x: np.ndarray) -> np.ndarray:
        """S_sf += Σ_r deliveries_(r,s)→f − a_sf x_f for the products f holds; returns the use a_sf x_f.

        Deliveries follow yesterday's orders: Σ_r O[(r,s), j]·share_(r,s) =
        H[s, j] Σ_r Z₀[(r,s), j] ρ_(r,s) share_(r,s) with yesterday's capacity ratios ρ. Products that
        are not inputs of f hold no inventory by default (``stock_non_inputs``): what is delivered is
        used the same day. An inventory below zero is never clipped: it stops the run
        (:meth:`_negative_inventory`).
        """
        R, S = self.R, self.S
        add = np.einsum("sr,srj->sj", (st.rho * share).reshape(R, S).T, self.Zt)
        add *= st.H
        use = self.tech * x
        if not (self.conventions.skip_balanced_restocking and np.allclose(add, use)):
            if self.stocked is None:
                st.stock += add
                st.stock -= use
            else:
                add -= use
                add *= self.stocked_f
                st.stock += add
        bad = st.stock < self.neg_tol
        if bad.any():
            raise self._negative_inventory(st.stock, bad, t)
        return use

    def _negative_inventory(self, stock: np.ndarray, bad: np.ndarray, t: int) -> MethodError:
        """The error for an inventory S_sf < 0 on day t: which product, which holder, why.

        An input s of f is never used beyond S_sf / (ψ n_s) in a day (production is cut below
        ψ n_s a_sf x*_f), so S_sf stays ≥ 0 whenever ψ n_s ≥ 1; below that, a day's use can exceed the
        inventory. With ``stock_non_inputs`` (BoARIO), a product below the input threshold is used
        at a_sf x_f whatever its inventory.
        """
        rel = np.where(
            bad, stock / np.maximum(np.where(np.isfinite(self.stock0), self.stock0, 0.0), 1.0), 0.0
        )
        s, j = np.unravel_index(int(np.argmin(rel)), stock.shape)
        n_bad = int(bad.sum())
        days_psi = float(self.inv_days[s] * self.params.psi)
        if not self.is_input[s, j]:
            why = (
                f"'{self.sectors[s]}' is not an input of this industry (a = {self.tech[s, j]:.3g} ≤ "
                f"{self.conventions.input_threshold:.3g}) but its inventory is still used (BoARIO convention)"
            )
        elif days_psi < 1:
            why = (
                f"ψ × inventory days of '{self.sectors[s]}' = {days_psi:.3g} < 1: a day's use can exceed "
                "the inventory (raise inventory_days or psi)"
            )
        else:
            why = "the model is unstable with these parameters"
        more = f" and {n_bad - 1} other inventories" if n_bad > 1 else ""
        return MethodError(
            f"day {t}: the inventory of product '{self.sectors[s]}' held by {self._name(int(j))} became "
            f"negative ({float(stock[s, j]):.6g}; initial {float(self.stock0[s, j]):.6g}){more}: {why}"
        )

    def _events_progress(self, t: int, trackers: list[_Tracker], share: np.ndarray) -> None:
        """Reconstruction received (rationed like any demand) and recovery along the events' curves."""
        conv = self.conventions
        for tr in trackers:
            ev = tr.ev
            if tr.status == "rebuilding":
                got = (tr.reb / tr.tau) * share[tr.reb_rows, None]
                tr.reb = _rounded(tr.reb - got, conv.capital_decimals)
                tr.reb[tr.reb < 0] = 0.0
                if not tr.reb.any():
                    tr.reb = None
                    tr.dmg = None
                    tr.status = "finished"
                else:
                    dmg = np.zeros(self.N)
                    dmg[tr.cols] = tr.reb.sum(axis=0) / ev.rebuilding_factor
                    tr.dmg = dmg
            elif tr.status == "recovering":
                left = recovery_curve(ev.recovery_shape, t - (ev.start + ev.duration), ev.recovery_tau)
                ended = conv.stop_recovery_at_curve_end and left <= 0
                if tr.dmg is not None:
                    tr.dmg = _rounded(tr.dmg0 * left, conv.capital_decimals)
                    if not tr.dmg.any() or ended:
                        tr.dmg = None
                if tr.arb is not None:
                    tr.arb = _rounded(tr.arb0 * left, conv.capacity_decimals)
                    if not tr.arb.any() or ended:
                        tr.arb = None
                if tr.dmg is None and tr.arb is None:
                    tr.status = "finished"

    def _orders(self, st: _State, D_next: np.ndarray, cap: np.ndarray, use: np.ndarray) -> None:
        """Orders for tomorrow: input gap (n_s a_sf x*_f − S_sf)⁺ / τ_INV + a_sf x_f, split by Z₀ and ρ.

        With x*_f = min(D_next_f, x̄_f) ≥ 0, the capacity-weighted flows
        C[s, j] = Σ_r Z₀[(r,s), j] ρ_(r,s) (Z₀ by input product for "noalt"), H = gap / C and the
        order row sums o_(r,s) = ρ_(r,s) Σ_j Z₀[(r,s), j] H[s, j]. Today's capacity ratios ρ become
        the weights of tomorrow's deliveries.
        """
        R, S = self.R, self.S
        if self.noalt:
            rho = st.rho
        else:
            rho = cap * self.inv_X0
            rho[self.X0 == 0] = 1.0
        x_opt = np.maximum(np.minimum(D_next, cap), 0.0)
        goal = self.tech_goal * x_opt
        if self.conventions.skip_gap_at_target and np.allclose(st.stock, goal):
            gap = np.zeros((S, self.N))
        else:
            gap = goal
            gap -= st.stock
            np.maximum(gap, 0.0, out=gap)
            gap *= self.restore[:, None]
        gap += use
        C = self.ZC0 if self.noalt else np.einsum("sr,srj->sj", rho.reshape(R, S).T, self.Zt)
        H = np.zeros((S, self.N))
        np.divide(gap, C, out=H, where=C != 0)
        st.H = H
        st.o_tot = np.einsum("srj,sj->rs", self.Zt, H).reshape(-1) * rho
        st.rho = rho


def _plain(v: Any) -> Any:
    return float(v) if np.ndim(v) == 0 else [float(a) for a in np.asarray(v).ravel()]


@dataclass(frozen=True)
class ARIOResult(ResultMixin):
    """Daily trajectories of an ARIO run (rows = day 0 … days − 1, columns = industries).

    Attributes
    ----------
    production, capacity : ndarray (days, N)
        Realised production x_f(t) and production capacity x̄_f(t), table units per day.
    final_demand_unmet : ndarray (days, N)
        Final demand addressed to industry f not delivered that day (rationing).
    demand : ndarray (days, N)
        Total demand D_f(t) (orders + final + reconstruction).
    rebuild_demand : ndarray (days, N)
        Reconstruction demand addressed to f that day.
    inventories : ndarray (days, N) or None
        Value of all input inventories held by f at the end of the day.
    x0 : ndarray (N,)
        Initial daily output.
    inventories0 : ndarray (N,)
        Initial (target) inventories of f.
    index : MultiIndex (region, sector)
    events : tuple of str
    event_start : int
    lineage : Lineage
    """

    production: np.ndarray
    capacity: np.ndarray
    final_demand_unmet: np.ndarray
    demand: np.ndarray
    rebuild_demand: np.ndarray
    inventories: np.ndarray | None
    x0: np.ndarray
    inventories0: np.ndarray
    index: pd.Index
    events: tuple[str, ...]
    event_start: int
    lineage: Lineage

    title_en = "ARIO recovery dynamics"
    title_zh = "ARIO 适应性区域投入产出恢复模拟"

    @property
    def days(self) -> int:
        """Number of simulated days."""
        return self.production.shape[0]

    @property
    def loss_by_industry(self) -> np.ndarray:
        """Net production loss Σ_t (x⁰_f − x_f(t)) per industry (overproduction counts as a gain)."""
        return (self.x0[None, :] - self.production).sum(axis=0)

    @property
    def gross_loss_by_industry(self) -> np.ndarray:
        """Σ_t max(x⁰_f − x_f(t), 0) per industry (never negative)."""
        return np.maximum(self.x0[None, :] - self.production, 0.0).sum(axis=0)

    @property
    def total_production_loss(self) -> float:
        """Σ_t Σ_f (x⁰_f − x_f(t)), table units."""
        return float(self.loss_by_industry.sum())

    @property
    def relative_production(self) -> np.ndarray:
        """x(t)/x⁰ per industry (1 where x⁰ = 0)."""
        out = np.ones_like(self.production)
        np.divide(self.production, self.x0[None, :], out=out, where=self.x0[None, :] != 0)
        return out

    def recovery_day(self, tol: float = 1e-3, by_industry: bool = False) -> Any:
        """First day from which production stays within ``tol`` of its initial level (None = not in the run).

        Total production by default; ``by_industry=True`` gives one value per industry (NaN = not recovered,
        0 = never disturbed).
        """
        if by_industry:
            off = np.abs(self.relative_production - 1.0) > tol
            last = np.where(off.any(axis=0), off.shape[0] - 1 - np.argmax(off[::-1], axis=0), -1)
            day = (last + 1).astype(float)
            day[last == off.shape[0] - 1] = np.nan
            return day
        tot = self.production.sum(axis=1)
        ref = self.x0.sum()
        off = np.abs(tot / ref - 1.0) > tol if ref else np.zeros(len(tot), bool)
        if not off.any():
            return 0
        last = len(off) - 1 - int(np.argmax(off[::-1]))
        return None if last == len(off) - 1 else last + 1

    def most_affected(self, k: int = 10) -> pd.DataFrame:
        """The k industries with the largest gross production loss."""
        f = self.to_frame()
        return f.sort_values("gross_loss", ascending=False).head(k)

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        rd = self.recovery_day()
        worst = self.most_affected(1)
        yield ("模拟天数" if zh else "days simulated", self.days)
        yield ("事件" if zh else "events", ", ".join(self.events) or "-")
        yield ("总产出损失" if zh else "total production loss", self.total_production_loss)
        yield (
            "产出损失占年产出" if zh else "loss / annual output",
            f"{self.total_production_loss / max(self.x0.sum() * 365, 1e-300):.4%}",
        )
        yield ("最终需求缺口合计" if zh else "unmet final demand", float(self.final_demand_unmet.sum()))
        yield (
            "恢复日" if zh else "recovery day (total output within 0.1%)",
            "not recovered" if rd is None else rd,
        )
        if len(worst):
            yield ("受影响最大" if zh else "most affected", str(worst.index[0]))

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """One row per industry: losses, lowest production ratio, recovery day."""
        rel = self.relative_production
        f = pd.DataFrame(
            {
                "x0_daily": self.x0,
                "loss": self.loss_by_industry,
                "gross_loss": self.gross_loss_by_industry,
                "loss_share": np.divide(
                    self.loss_by_industry, self.x0 * self.days, out=np.zeros(len(self.x0)), where=self.x0 != 0
                ),
                "min_production_ratio": rel.min(axis=0),
                "day_of_min": rel.argmin(axis=0),
                "final_demand_unmet": self.final_demand_unmet.sum(axis=0),
                "recovery_day": self.recovery_day(by_industry=True),
            },
            index=self.index,
        )
        if lang == "zh":
            f = f.rename(
                columns={
                    "x0_daily": "初始日产出",
                    "loss": "净产出损失",
                    "gross_loss": "产出损失",
                    "loss_share": "损失占比",
                    "min_production_ratio": "最低产出比",
                    "day_of_min": "最低日",
                    "final_demand_unmet": "最终需求缺口",
                    "recovery_day": "恢复日",
                }
            )
        return f

    def trajectories(
        self, variables: Sequence[str] = ("production", "capacity", "final_demand_unmet", "inventories")
    ) -> pd.DataFrame:
        """Long table: day, region, sector, one column per variable."""
        idx = self.index
        days = np.repeat(np.arange(self.days), len(idx))
        cols: dict[str, Any] = {"day": days}
        if isinstance(idx, pd.MultiIndex):
            for lvl, name in enumerate(idx.names):
                cols[name or f"level{lvl}"] = np.tile(idx.get_level_values(lvl).astype(str), self.days)
        else:
            cols["industry"] = np.tile(idx.astype(str), self.days)
        for v in variables:
            arr = getattr(self, v)
            if arr is not None:
                cols[v] = arr.reshape(-1)
        return pd.DataFrame(cols)

    def to_parquet(self, path: Any) -> None:
        """Write :meth:`trajectories` to a Parquet file."""
        self.trajectories().to_parquet(path, index=False)


def ario(
    Z: Any,
    Y: Any,
    events: Sequence[ARIOEvent] = (),
    days: int = 365,
    *,
    x: Any | None = None,
    n_regions: int | None = None,
    params: ARIOParams | None = None,
    capital: Any | None = None,
    boario_compat: bool = False,
) -> ARIOResult:
    """Run the ARIO model once (see :class:`ARIOModel` for the equations).

    Examples
    --------
    Two regions × one sector, no event: the economy stays where it is.

    >>> import numpy as np
    >>> Z = np.array([[10.0, 5.0], [5.0, 10.0]]); Y = np.array([[85.0], [85.0]])
    >>> r = ario(Z, Y, days=30, n_regions=2)
    >>> float(abs(r.production - r.x0).max()) < 1e-12, r.total_production_loss == 0
    (True, True)
    """
    return ARIOModel(
        Z, Y, x, n_regions=n_regions, params=params, capital=capital, boario_compat=boario_compat
    ).run(events, days)
