"""Transaction flows against an input–output table: coverage, largest discrepancies, RAS reconciliation.

Aggregated firm-to-firm transactions (``T``, a region × sector matrix) measure part of the
intermediate flows that the IO table (``Z``) estimates for the whole economy. The comparison says
how much of ``Z`` the records cover, where their structure departs most from the table's, and gives
a reconciled matrix: ``T`` (cells without records filled from ``Z`` at the records' overall scale)
balanced by RAS (:func:`industrial_brain.meso.balancing.ras`) to the table's row and column sums.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np
import pandas as pd

from industrial_brain._shared.results import ResultMixin
from industrial_brain.errors import InputError
from industrial_brain.lineage import Lineage
from industrial_brain.meso.balancing import BalancingResult, ras


@dataclass(frozen=True)
class FlowComparison(ResultMixin):
    """Transaction flows ``T`` compared with IO flows ``Z`` (both in CNY, same labels).

    Attributes
    ----------
    coverage_amount : float
        ``Σ T / Σ Z``: the records' total as a share of the table's intermediate flows.
    coverage_cells : float
        ``Σ_{T_ij > 0} Z_ij / Σ Z``: share of the IO flows lying in cells that some record covers.
    discrepancies : DataFrame
        The ``top`` cells with the largest |structure gap| ``t_ij − z_ij`` (``t = T / ΣT``,
        ``z = Z / ΣZ``): ``seller``, ``buyer``, ``T``, ``Z``, ``share_T``, ``share_Z``, ``gap``.
    reconciled : DataFrame
        The RAS-balanced matrix (row and column sums of ``Z``).
    balancing : BalancingResult
    notes : tuple of str
    lineage : Lineage
    """

    coverage_amount: float
    coverage_cells: float
    discrepancies: pd.DataFrame
    reconciled: pd.DataFrame
    balancing: BalancingResult
    notes: tuple[str, ...]
    lineage: Lineage

    title_en = "Transaction flows against the input–output table"
    title_zh = "交易流量与投入产出表对比"

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, object]]:
        zh = lang == "zh"
        yield (
            "交易额占中间流量" if zh else "records / IO intermediate flows",
            f"{self.coverage_amount:.1%}",
        )
        yield (
            "有交易单元的流量占比" if zh else "IO flows in cells with records",
            f"{self.coverage_cells:.1%}",
        )
        yield ("RAS 迭代" if zh else "RAS iterations", self.balancing.iterations)
        for n in self.notes:
            yield ("说明" if zh else "note", n)

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """The largest discrepancies."""
        return self.discrepancies


def compare_flows(T: pd.DataFrame, Z: pd.DataFrame, *, top: int = 10) -> FlowComparison:
    """Compare transaction flows ``T`` with IO flows ``Z`` and reconcile ``T`` to ``Z``'s margins.

    Parameters
    ----------
    T, Z : DataFrame
        Square matrices, sellers as rows, buyers as columns, the same labels (``T`` is re-indexed on
        ``Z``'s labels; a label of ``T`` unknown to ``Z`` is refused), in the same unit.
    top : int
        How many discrepancies to list.

    Notes
    -----
    Coverage: ``ΣT/ΣZ`` and ``Σ_{T>0} Z / ΣZ``. Structure gap: ``t_ij − z_ij`` with
    ``t = T/ΣT``, ``z = Z/ΣZ``. Reconciliation: prior ``P = T + (ΣT/ΣZ)·Z·1[T = 0]`` balanced by
    RAS to ``u = Z·1``, ``v = 1ᵀZ`` (Miller & Blair 2009, §7.4.2; Lahr & de Mesnard 2004).

    References
    ----------
    Miller, R. E. & Blair, P. D. (2009). *Input–Output Analysis*, 2nd ed., §7.4 (RAS).
    Lahr, M. L. & de Mesnard, L. (2004). Biproportional techniques in input–output analysis.
    *Economic Systems Research* 16(2), 115–134.

    Examples
    --------
    >>> Z = pd.DataFrame([[4.0, 2.0], [2.0, 2.0]], index=list("ab"), columns=list("ab"))
    >>> T = pd.DataFrame([[2.0, 0.0], [1.0, 1.0]], index=list("ab"), columns=list("ab"))
    >>> r = compare_flows(T, Z)
    >>> round(r.coverage_amount, 3), round(r.coverage_cells, 3)
    (0.4, 0.8)
    >>> r.reconciled.sum(axis=1).round(6).tolist()
    [6.0, 4.0]
    """
    unknown = [k for k in list(T.index) + list(T.columns) if k not in Z.index]
    if unknown:
        raise InputError.at(
            "flow label not in the IO table",
            column="region_sector",
            value=str(unknown[0]),
            expected="the IO table's region and sector codes",
        )
    T = T.reindex(index=Z.index, columns=Z.columns, fill_value=0.0).astype(float)
    Tv, Zv = T.to_numpy(), Z.to_numpy(dtype=float)
    sT, sZ = Tv.sum(), Zv.sum()
    if sT <= 0 or sZ <= 0:
        raise InputError.at("no flows to compare", column="T", expected="positive flows in both matrices")
    cov_amount = sT / sZ
    cov_cells = Zv[Tv > 0].sum() / sZ
    gap = Tv / sT - Zv / sZ
    order = np.argsort(-np.abs(gap), axis=None)[:top]
    i, j = np.unravel_index(order, gap.shape)
    disc = pd.DataFrame(
        {
            "seller": [_label(Z.index[k]) for k in i],
            "buyer": [_label(Z.columns[k]) for k in j],
            "T": Tv[i, j],
            "Z": Zv[i, j],
            "share_T": Tv[i, j] / sT,
            "share_Z": Zv[i, j] / sZ,
            "gap": gap[i, j],
        }
    )
    prior = np.where(Tv > 0, Tv, cov_amount * Zv)
    bal = ras(pd.DataFrame(prior, index=Z.index, columns=Z.columns), Zv.sum(1), Zv.sum(0), strict=False)
    notes = [f"{int((Tv > 0).sum()):,} of {int((Zv > 0).sum()):,} IO cells have records"]
    if (Tv == 0).any():
        notes.append("cells without records enter the RAS prior from the IO table, scaled by ΣT/ΣZ")
    return FlowComparison(
        coverage_amount=float(cov_amount),
        coverage_cells=float(cov_cells),
        discrepancies=disc,
        reconciled=pd.DataFrame(bal.Z, index=Z.index, columns=Z.columns),
        balancing=bal,
        notes=tuple(notes) + tuple(bal.notes),
        lineage=Lineage.make("meso.compare_flows", {"top": top}),
    )


def _label(key) -> str:
    return ":".join(map(str, key)) if isinstance(key, tuple) else str(key)
