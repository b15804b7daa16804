"""Digital–real integration at the industry level (产业层面数实融合): digital input coefficients.

The digital-economy core sectors of the NBS 42-sector tables — by default 20 (communication
equipment, computers and other electronic equipment, 通信设备、计算机和其他电子设备) and 31
(information transmission, software and IT services, 信息传输、软件和信息技术服务) — are a
configurable set D. For every sector j:

* **direct digital input coefficient** (直接消耗系数) d_j = Σ_{i∈D} a_ij;
* **total digital input coefficient** (完全消耗系数) t_j = Σ_{i∈D} (L − I)_ij, the digital
  inputs used directly and through all rounds of intermediate production per unit of j's output;
* **digital share of intermediate inputs** s_j = Σ_{i∈D} a_ij / Σ_i a_ij;
* and, for the digital sectors, their Rasmussen–Hirschman backward and forward linkages.

Which A is used is the caller's choice and is recorded in ``basis``: the NBS non-competitive
tables give a domestic block and an imported block; ``basis="total"`` adds them (the digital
inputs a sector uses, whatever their origin — comparable with the competitive provincial tables),
``basis="domestic"`` uses the domestic block only (the domestic digital supply chain).

References
----------
Miller & Blair (2009), ch. 2 (A, L); the direct and total consumption coefficients (直接/完全消耗系数)
as in the NBS input–output compilation manual (国家统计局国民经济核算司, 《中国投入产出表编制方法》,
2018). Digital-economy core industries: NBS (2021), 《数字经济及其核心产业统计分类（2021）》.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from industrial_brain.errors import InputError
from industrial_brain.lineage import Lineage
from industrial_brain._shared.results import ResultMixin
from industrial_brain.meso._common import as_matrix, as_vector, labels_of
from industrial_brain.meso.leontief import LeontiefLU
from industrial_brain.meso.linkage_analysis import linkages

__all__ = ["DIGITAL_CORE_NBS42", "DigitalIntegration", "digital_integration", "digital_panel"]

#: Digital-economy core sectors of the NBS 2017 42-sector classification.
DIGITAL_CORE_NBS42: tuple[str, ...] = ("20", "31")


@dataclass(frozen=True)
class DigitalIntegration(ResultMixin):
    """Digital input coefficients by sector and linkages of the digital sectors.

    Attributes
    ----------
    table : DataFrame
        By sector: ``direct``, ``total``, ``share_intermediate``, ``is_digital``.
    digital_linkages : DataFrame
        The digital sectors' ``backward`` and ``forward`` linkages (normalised, economy average 1).
    direct_economy, total_economy : float
        Output-weighted averages over the non-digital sectors: Σ_{j∉D} x_j d_j / Σ_{j∉D} x_j
        (the digital inputs per unit of output of the rest of the economy) and likewise for t.
    digital : tuple of str
    basis : str
    notes : tuple of str
    lineage : Lineage
    """

    table: pd.DataFrame
    digital_linkages: pd.DataFrame
    direct_economy: float
    total_economy: float
    digital: tuple[str, ...]
    basis: str
    notes: tuple[str, ...]
    lineage: Lineage

    title_en = "Digital input coefficients (industry-level integration)"
    title_zh = "数字投入系数（产业层面数实融合）"

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        yield ("数字部门" if zh else "digital sectors", ", ".join(self.digital))
        yield ("口径" if zh else "basis", self.basis)
        yield (
            "非数字部门直接数字投入系数（产出加权）"
            if zh
            else "direct digital input, non-digital sectors (weighted)",
            self.direct_economy,
        )
        yield (
            "非数字部门完全数字投入系数（产出加权）"
            if zh
            else "total digital input, non-digital sectors (weighted)",
            self.total_economy,
        )
        nd = self.table[~self.table["is_digital"]]
        if len(nd):
            yield (
                "直接数字投入最高" if zh else "highest direct digital input",
                f"{nd['direct'].idxmax()} ({nd['direct'].max():.4f})",
            )
        for n in self.notes:
            yield ("说明" if zh else "note", n)

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """One row per sector: direct and total digital input coefficients."""
        f = self.table.copy()
        if lang == "zh":
            f = f.rename(
                columns={
                    "name": "名称",
                    "direct": "直接数字投入系数",
                    "total": "完全数字投入系数",
                    "share_intermediate": "数字投入占中间投入比重",
                    "is_digital": "数字部门",
                }
            )
            f.index.name = "部门"
        return f


def digital_integration(
    A: Any,
    x: Any | None = None,
    *,
    digital: Sequence[str] = DIGITAL_CORE_NBS42,
    basis: str = "total",
    names: Mapping[Any, str] | pd.Series | None = None,
    lu: LeontiefLU | None = None,
) -> DigitalIntegration:
    """Direct and total digital input coefficients, digital share of inputs, digital linkages.

    Parameters
    ----------
    A : (n, n) DataFrame (sector codes as labels) or ndarray
        Technical coefficients (see the module docstring for ``basis``).
    x : (n,), optional
        Gross output: output weights of the economy-wide averages and the forward (Ghosh)
        linkages; without it, simple averages and Leontief-based forward linkages.
    digital : sequence of str
        Codes of the digital sectors (default 20 and 31 of the NBS 42-sector scheme).
    basis : str
        A label recorded with the result (``"total"``, ``"domestic"``, ``"competitive"`` …).
    names : mapping, optional
        Code → name (added as a ``name`` column).
    lu : LeontiefLU, optional
        Factors of (I − A)ᵀ if already computed.

    Returns
    -------
    DigitalIntegration

    Notes
    -----
    With e_D the indicator of the digital rows: d' = e_D' A, t' = e_D' (L − I) = e_D' L − e_D'
    (one left solve, L never formed), s_j = d_j / (1'A)_j.

    Examples
    --------
    Synthetic 3 sectors, sector "2" digital, A = [[.1, .2, 0], [.05, .1, .1], [.1, 0, .2]]:
    d = [.05, .1, .1] (row "2" of A); t = row "2" of L − I, L = (I − A)⁻¹.

    >>> import numpy as np, pandas as pd
    >>> A = pd.DataFrame([[.1, .2, 0.], [.05, .1, .1], [.1, 0., .2]], index=["1", "2", "3"],
    ...                  columns=["1", "2", "3"])
    >>> r = digital_integration(A, digital=["2"])
    >>> r.table["direct"].round(4).tolist()
    [0.05, 0.1, 0.1]
    >>> r.table["total"].round(4).tolist()
    [0.0784, 0.1285, 0.1411]
    """
    idx, cols = labels_of(A)
    Am = as_matrix(A, "A", square=True)
    n = Am.shape[0]
    labels = (
        pd.Index([str(c) for c in cols], name="sector")
        if cols is not None
        else pd.Index([str(i) for i in range(n)], name="sector")
    )
    want = [str(d) for d in digital]
    unknown = [d for d in want if d not in set(labels)]
    if not want or unknown:
        raise InputError.at(
            "unknown digital sector code",
            column="digital",
            value=unknown or want,
            expected=f"codes of the table such as {list(labels[:3])}",
        )
    xv = None if x is None else as_vector(x, "x", n, labels=cols)
    e = labels.isin(want).astype(np.float64)
    lu = lu or LeontiefLU(Am)
    direct = e @ Am
    total = lu.solve_left(e) - e
    colsum = Am.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(colsum > 0, direct / colsum, 0.0)
    is_dig = labels.isin(want)
    table = pd.DataFrame(
        {"direct": direct, "total": total, "share_intermediate": share, "is_digital": is_dig}, index=labels
    )
    if names is not None:
        nm = {str(k): v for k, v in (names.items() if hasattr(names, "items") else names)}
        table.insert(0, "name", [nm.get(c, "") for c in labels])
    w = xv[~is_dig] if xv is not None else np.ones(int((~is_dig).sum()))
    wsum = w.sum()
    d_eco = float((direct[~is_dig] * w).sum() / wsum) if wsum > 0 else float("nan")
    t_eco = float((total[~is_dig] * w).sum() / wsum) if wsum > 0 else float("nan")
    A_lab = pd.DataFrame(Am, index=labels, columns=labels)
    link = linkages(A_lab, None if xv is None else pd.Series(xv, index=labels), lu=lu).table
    dl = link.loc[want, ["backward", "forward"]].copy()
    if "name" in table.columns:
        dl.insert(0, "name", table.loc[want, "name"])
    notes = []
    if xv is None:
        notes.append("no gross output given: economy-wide averages are unweighted")
    return DigitalIntegration(
        table=table,
        digital_linkages=dl,
        direct_economy=d_eco,
        total_economy=t_eco,
        digital=tuple(want),
        basis=basis,
        notes=tuple(notes),
        lineage=Lineage.make("meso.digital_integration", {"digital": want, "basis": basis, "n": n}),
    )


def digital_panel(results: Mapping[Any, DigitalIntegration]) -> pd.DataFrame:
    """Stack several :class:`DigitalIntegration` results (years, provinces) into one long frame.

    Returns columns ``key``, ``sector``, ``direct``, ``total``, ``share_intermediate``,
    ``is_digital`` (and ``name`` when present).
    """
    parts = []
    for key, r in results.items():
        f = r.table.reset_index()
        f.insert(0, "key", key)
        parts.append(f)
    if not parts:
        return pd.DataFrame(columns=["key", "sector", "direct", "total", "share_intermediate", "is_digital"])
    return pd.concat(parts, ignore_index=True)
