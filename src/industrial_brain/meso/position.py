"""Position in the chain: upstreamness, downstreamness and average propagation length.

Upstreamness (Antràs, Chor, Fally & Hillberry 2012; Fally 2012) is the average number of stages
a sector's output passes through before reaching final demand: U = (I − Δ)⁻¹ 1 with
Δ_ij = a_ij x_j / x_i, i.e. Δ = B and U = G·1 (the Ghosh row sums; Miller & Temurshoev 2017).
Downstreamness (Antràs & Chor 2013/2018; Miller & Temurshoev's "input-to-output" measure) is
the average number of stages of production embodied in a sector's output: D = 1'L, the Leontief
column sums. Both come from solves with one LU factorisation. The average propagation length
(Dietzenbacher, Romero & Bosma 2005) needs L itself and is computed only when asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

import numpy as np
import pandas as pd

from industrial_brain.errors import InputError
from industrial_brain.lineage import Lineage
from industrial_brain._shared.results import ResultMixin, readonly
from industrial_brain.meso._common import (
    as_matrix,
    as_vector,
    labels_of,
    like_matrix,
    safe_reciprocal,
    sector_labels,
    zero_output_note,
)
from industrial_brain.meso._labels import relabel
from industrial_brain.meso.leontief import LeontiefLU

__all__ = ["PositionResult", "chain_position", "average_propagation_length"]


@dataclass(frozen=True)
class PositionResult(ResultMixin):
    """Upstreamness and downstreamness by sector.

    Attributes
    ----------
    table : DataFrame
        Index = sector codes; ``upstreamness`` (≥ 1; 1 = sells only to final demand) and
        ``downstreamness`` (≥ 1; 1 = uses no intermediate inputs).
    notes : tuple of str
    lineage : Lineage
    """

    table: pd.DataFrame
    notes: tuple[str, ...]
    lineage: Lineage

    title_en = "Position in the value chain"
    title_zh = "产业链位置（上游度与下游度）"

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        t = self.table
        yield (
            "最上游部门" if zh else "most upstream",
            f"{t['upstreamness'].idxmax()} ({t['upstreamness'].max():.4f})",
        )
        yield (
            "最下游部门" if zh else "most downstream",
            f"{t['upstreamness'].idxmin()} ({t['upstreamness'].min():.4f})",
        )
        for n in self.notes:
            yield ("说明" if zh else "note", n)

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """One row per sector: upstreamness, downstreamness."""
        return relabel(self.table.copy(), lang)


def chain_position(
    A: Any, x: Any, *, net_trade: Any | None = None, lu: LeontiefLU | None = None
) -> PositionResult:
    """Upstreamness (Antràs–Chor) and downstreamness of every sector.

    Parameters
    ----------
    A : (n, n) ndarray or DataFrame
        Technical coefficients.
    x : (n,) array or Series
        Gross output.
    net_trade : (n,) array, optional
        Exports minus imports by product. If given, the open-economy correction of Antràs et al.
        (2012, eq. 9) is applied: Δ_ij = a_ij x_j / (x_i − X_i + M_i).
    lu : LeontiefLU, optional
        Reuse factors of (I − A)ᵀ (ignored with ``net_trade``, which changes the system).

    Returns
    -------
    PositionResult

    Notes
    -----
    U = (I − Δ)⁻¹1, Δ = x̂⁻¹ A x̂ = B, so U = x̂⁻¹ L x; D = (1'L)'.

    References
    ----------
    Antràs, P., Chor, D., Fally, T. & Hillberry, R. (2012). Measuring the upstreamness of
    production and trade flows. *American Economic Review* 102(3), 412–416, eqs. (1)–(9).
    Miller, R. E. & Temurshoev, U. (2017). Output upstreamness and input downstreamness of
    industries/countries in world production. *International Regional Science Review* 40(5), 443–475.

    Examples
    --------
    Two sectors: 1 sells half its output to 2, 2 sells all to final demand. Then U₂ = 1 and
    U₁ = 1 + 0.5·U₂ = 1.5.

    >>> import numpy as np
    >>> A = np.array([[0.0, 0.25], [0.0, 0.0]]); x = np.array([100., 200.])  # z12 = 50
    >>> chain_position(A, x).table["upstreamness"].tolist()
    [1.5, 1.0]
    """
    idx, cols = labels_of(A)
    Am = as_matrix(A, "A", square=True)
    n = Am.shape[0]
    labels = sector_labels(n, cols, idx)
    xv = as_vector(x, "x", n, labels=cols)
    notes: list[str] = []
    if net_trade is not None:
        nt = as_vector(net_trade, "net_trade", n, labels=cols)
        denom = xv - nt
        r, zero = safe_reciprocal(denom)
        Delta = r[:, None] * Am * xv[None, :]
        U = LeontiefLU(Delta, overwrite_a=True).solve(np.ones(n))
        lu = lu or LeontiefLU(Am)
        notes.append("open-economy correction: Δ_ij = a_ij x_j / (x_i − X_i + M_i)")
    else:
        lu = lu or LeontiefLU(Am)
        r, zero = safe_reciprocal(xv)
        U = lu.solve(xv) * r
        U[zero] = 1.0
    note = zero_output_note(zero, labels)
    if note:
        notes.append(note + "; their upstreamness is set to 1")
    D = lu.solve_left(np.ones(n))
    frame = pd.DataFrame({"upstreamness": U, "downstreamness": D}, index=labels)
    frame.index.name = frame.index.name or "sector"
    readonly(frame)
    return PositionResult(
        table=frame,
        notes=tuple(notes),
        lineage=Lineage.make("meso.chain_position", {"n": n, "open_economy": net_trade is not None}),
    )


def average_propagation_length(A: Any, *, L: Any | None = None, tol: float = 1e-12) -> Any:
    """Average propagation length APL_ij: the average number of steps a demand impulse in j takes
    to reach i.

    Parameters
    ----------
    A : (n, n) ndarray or DataFrame
        Technical coefficients.
    L : (n, n) array, optional
        The Leontief inverse if already formed (avoids a second inversion).
    tol : float
        Cells with l_ij − δ_ij ≤ tol (no indirect link) are NaN.

    Returns
    -------
    ndarray or DataFrame
        APL, labelled like ``A``.

    Notes
    -----
    APL = [L(L − I)] ⊘ (L − I), element by element, since Σ_k k·A^k = L(L − I) and
    Σ_{k≥1} A^k = L − I (Dietzenbacher, Romero & Bosma 2005, eq. 6). The forward (Ghosh) version
    is identical.

    References
    ----------
    Dietzenbacher, E., Romero Luna, I. & Bosma, N. S. (2005). Using average propagation lengths to
    identify production chains in the Andalusian economy. *Estudios de Economía Aplicada* 23(2),
    405–422.

    Examples
    --------
    A pure 2-step chain (3 → 2 → 1, each coefficient 0.5): APL from 3 to 1 is exactly 2.

    >>> import numpy as np
    >>> A = np.array([[0, .5, 0], [0, 0, .5], [0, 0, 0]])
    >>> float(average_propagation_length(A)[0, 2])
    2.0
    """
    idx, cols = labels_of(A)
    Am = as_matrix(A, "A", square=True)
    n = Am.shape[0]
    if L is None:
        Lm = LeontiefLU(Am).inverse()
    else:
        Lm = as_matrix(L, "L", square=True)
        if Lm.shape != Am.shape:
            raise InputError.at("L and A differ in shape", value=Lm.shape, expected=str(Am.shape))
    LmI = np.array(Lm, copy=True)
    LmI.flat[:: n + 1] -= 1.0
    H = Lm @ LmI
    with np.errstate(divide="ignore", invalid="ignore"):
        apl = np.where(LmI > tol, H / LmI, np.nan)
    return like_matrix(apl, idx, cols)
