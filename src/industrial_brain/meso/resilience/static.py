"""Static shock propagation: demand-driven (Leontief) and supply-driven (Ghosh) impacts.

A change of final demand ΔY moves gross output by ΔX = L·ΔY (Miller & Blair 2009, §2.3); a change
of primary inputs Δv moves it by ΔXᵀ = Δvᵀ·G (Ghosh 1958; Miller & Blair §12.1). Both are solved
from one LU factorisation — L and G are never formed. Satellite accounts (value added, employment,
emissions per unit of output) turn ΔX into impacts: Δf_k = s_k ∘ ΔX.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from industrial_brain._shared.results import ResultMixin, readonly
from industrial_brain.lineage import Lineage
from industrial_brain.meso._common import as_matrix, as_vector, labels_of, sector_labels
from industrial_brain.meso.leontief import LeontiefLU

__all__ = ["ShockResult", "demand_shock", "supply_shock"]


@dataclass(frozen=True)
class ShockResult(ResultMixin):
    """Output and satellite impacts of a static shock.

    Attributes
    ----------
    table : DataFrame
        Index = sector; ``shock`` (ΔY or Δv), ``dx`` (ΔX) and one column per satellite (Δ impact).
    total : Series
        Column totals of ``table``.
    model : str
        "demand (Leontief)" or "supply (Ghosh)".
    lineage : Lineage
    """

    table: pd.DataFrame
    total: pd.Series
    model: str
    lineage: Lineage

    title_en = "Static shock propagation"
    title_zh = "静态冲击传导"

    @property
    def dx(self) -> pd.Series:
        """Change in gross output Δx by sector."""
        return self.table["dx"]

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        yield ("模型" if zh else "model", self.model)
        yield ("冲击合计" if zh else "shock total", float(self.total["shock"]))
        yield ("总产出变化" if zh else "output change ΔX", float(self.total["dx"]))
        if self.total["shock"]:
            yield ("产出乘数" if zh else "ΔX / shock", float(self.total["dx"] / self.total["shock"]))
        for k in self.table.columns[2:]:
            yield (f"Δ {k}", float(self.total[k]))

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """One row per sector: the shock's effects."""
        return self.table.copy()


def _satellites(
    satellites: Mapping[str, Any] | pd.DataFrame | None, n: int, labels: pd.Index | None
) -> dict[str, np.ndarray]:
    if satellites is None:
        return {}
    if isinstance(satellites, pd.DataFrame):
        satellites = {str(k): satellites.loc[k] for k in satellites.index}
    return {str(k): as_vector(v, f"satellite '{k}'", n, labels=labels) for k, v in satellites.items()}


def _build(
    kind: str,
    shock: np.ndarray,
    dx: np.ndarray,
    sats: dict[str, np.ndarray],
    labels: pd.Index,
    params: dict[str, Any],
) -> ShockResult:
    cols = {"shock": shock, "dx": dx}
    for k, s in sats.items():
        cols[k] = s * dx
    table = pd.DataFrame(cols, index=labels)
    return ShockResult(
        table=readonly(table),
        total=table.sum(),
        model=kind,
        lineage=Lineage.make(f"meso.resilience.{params.pop('method')}", params),
    )


def _shock_inputs(
    M: Any, name: str, shock: Any, shock_name: str, satellites: Any, *, rows: bool
) -> tuple[np.ndarray, pd.Index, np.ndarray, dict[str, np.ndarray]]:
    """Coefficients, sector labels, shock vector and satellite intensities of one shock.

    The shock and the satellites are aligned on the columns of ``M`` (a demand shock on A) or, with
    ``rows=True``, on its rows (a supply shock on B); the labels come from that side first.
    """
    Mm = as_matrix(M, name, square=True)
    n = Mm.shape[0]
    idx, cols = labels_of(M)
    side, other = (idx, cols) if rows else (cols, idx)
    labels = sector_labels(n, side, other, shock.index if isinstance(shock, pd.Series) else None)
    d = as_vector(shock, shock_name, n, labels=side)
    return Mm, labels, d, _satellites(satellites, n, side)


def demand_shock(
    A: Any,
    dY: Any,
    *,
    satellites: Mapping[str, Any] | pd.DataFrame | None = None,
    lu: LeontiefLU | None = None,
) -> ShockResult:
    """Output and satellite impacts of a final-demand shock: ΔX = L·ΔY, without forming L.

    Parameters
    ----------
    A : (n, n) array or DataFrame
        Technical coefficients.
    dY : (n,) array or Series
        Change of final demand (negative = a fall), table units.
    satellites : mapping name → (n,) intensities, or DataFrame (satellite × sector), optional
        Impacts per unit of gross output, e.g. value added v = V/x, jobs per unit, CO₂ per unit.
    lu : LeontiefLU, optional
        Reuse factors of (I − A)ᵀ (e.g. ``IOTable.lu``).

    Returns
    -------
    ShockResult

    Notes
    -----
    ΔX solves (I − A) ΔX = ΔY (one LU solve, O(n²) after the factorisation); satellite impacts are
    Δf_k = s_k ∘ ΔX, so Σ Δf_k = s_k'·L·ΔY, the satellite multiplier applied to the shock.

    References
    ----------
    Miller, R. E. & Blair, P. D. (2009). *Input–Output Analysis* (2nd ed.), §2.3 and §6.2.

    Examples
    --------
    Miller & Blair's two sectors (A = [[.15, .25], [.20, .05]]), final demand of sector 1 up by 100:
    ΔX = L[:, 0]·100 = (125.41, 26.40).

    >>> import numpy as np
    >>> r = demand_shock(np.array([[0.15, 0.25], [0.2, 0.05]]), [100.0, 0.0])
    >>> np.round(r.dx.to_numpy(), 2)
    array([125.41,  26.4 ])
    """
    Am, labels, dy, sats = _shock_inputs(A, "A", dY, "dY", satellites, rows=False)
    n = Am.shape[0]
    lu = lu or LeontiefLU(Am)
    dx = lu.solve(dy)
    return _build(
        "demand (Leontief)",
        dy,
        dx,
        sats,
        labels,
        {"method": "demand_shock", "n": n, "shock_total": float(dy.sum()), "satellites": list(sats)},
    )


def supply_shock(
    B: Any, dV: Any, *, satellites: Mapping[str, Any] | pd.DataFrame | None = None
) -> ShockResult:
    """Output and satellite impacts of a primary-input shock (Ghosh): ΔXᵀ = ΔVᵀ·G, without forming G.

    Parameters
    ----------
    B : (n, n) array or DataFrame
        Allocation coefficients b_ij = z_ij / x_i.
    dV : (n,) array or Series
        Change of primary inputs (value added, or supply cut) per sector, table units.
    satellites : mapping or DataFrame, optional
        Impacts per unit of gross output (as in :func:`demand_shock`).

    Returns
    -------
    ShockResult

    Notes
    -----
    ΔX solves (I − B)ᵀ ΔX = ΔV. The Ghosh model reads best as a price/allocation model or a
    first-order estimate of forward (supply) linkages; it assumes users absorb whatever is
    supplied (Oosterhaven 1988), so use the ARIO model for supply constraints with rationing.

    References
    ----------
    Ghosh, A. (1958). Input–output approach in an allocation system. *Economica* 25(97), 58–64.
    Miller, R. E. & Blair, P. D. (2009), §12.1.

    Examples
    --------
    Z = [[150, 500], [200, 100]], x = (1000, 2000): B = [[.15, .50], [.10, .05]]. A supply cut of
    100 in sector 1: ΔX solves (I − B)ᵀΔX = (−100, 0), i.e. ΔX = (−125.41, −66.01).

    >>> import numpy as np
    >>> r = supply_shock(np.array([[0.15, 0.5], [0.1, 0.05]]), [-100.0, 0.0])
    >>> np.round(r.dx.to_numpy(), 2)
    array([-125.41,  -66.01])
    """
    Bm, labels, dv, sats = _shock_inputs(B, "B", dV, "dV", satellites, rows=True)
    n = Bm.shape[0]
    dx = LeontiefLU(Bm).solve_left(dv)
    return _build(
        "supply (Ghosh)",
        dv,
        dx,
        sats,
        labels,
        {"method": "supply_shock", "n": n, "shock_total": float(dv.sum()), "satellites": list(sats)},
    )
