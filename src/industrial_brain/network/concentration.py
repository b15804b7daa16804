"""Supplier and customer concentration (Herfindahl–Hirschman index) per firm and per region–sector.

For a buyer j with purchases z_ij from suppliers i, the supplier concentration is

    H^sup_j = Σ_i (z_ij / m_j)²,   m_j = Σ_i z_ij,

and for a seller i with sales z_ij to customers j the customer concentration is
H^cus_i = Σ_j (z_ij / s_i)², s_i = Σ_j z_ij. H lies in (0, 1]: 1 means a single partner; its inverse
1/H is the *equivalent number* of partners (Adelman 1969): the number of equal-sized partners that
would give the same H. A region–sector g (the chain link: the firms of one sector in one region) pools
its firms: H^sup_g = Σ_i (Σ_{j∈g} z_ij / Σ_{j∈g} m_j)² over supplier firms i, and the same for customers.

Everything is sparse algebra on Z (scipy.sparse): with G the firm → region–sector membership matrix,
supplier shares of the groups are the columns of Z G and customer shares the rows of Gᵀ Z.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np
import pandas as pd

from industrial_brain._shared.results import ResultMixin
from industrial_brain.errors import InputError
from industrial_brain.lineage import Lineage
from industrial_brain.network._common import FirmGraph, hhi_rows, indicator, relabel

__all__ = ["ConcentrationResult", "hhi_concentration"]


@dataclass(frozen=True)
class ConcentrationResult(ResultMixin):
    """Supplier and customer HHI per firm and per region–sector.

    Attributes
    ----------
    firms : DataFrame
        Index ``uscc``; ``region_code``, ``sector_code``, ``purchases``, ``suppliers``, ``supplier_hhi``,
        ``supplier_equivalent`` (1/H), ``sales``, ``customers``, ``customer_hhi``, ``customer_equivalent``.
        H is NaN for a firm without purchases (or sales).
    links : DataFrame
        Index (``region_code``, ``sector_code``); ``firms`` and the same columns pooled over the link's firms.
    notes : tuple of str
    lineage : Lineage
    """

    firms: pd.DataFrame
    links: pd.DataFrame
    notes: tuple[str, ...] = ()
    lineage: Lineage = field(default_factory=lambda: Lineage.make("network.hhi_concentration"))

    title_en = "Supplier and customer concentration (HHI)"
    title_zh = "供应商与客户集中度（HHI）"

    def to_frame(self, lang: str = "en", level: str = "firm") -> pd.DataFrame:
        """The firm table (``level="firm"``) or the region–sector table (``level="link"``)."""
        if level not in ("firm", "link"):
            raise InputError.at("unknown level", column="level", value=level, expected="firm | link")
        return relabel(self.firms if level == "firm" else self.links, lang)

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        f = self.firms
        yield ("企业数" if zh else "firms", len(f))
        yield ("单一供应商企业" if zh else "firms with a single supplier", int((f["suppliers"] == 1).sum()))
        yield ("供应商HHI中位数" if zh else "median supplier HHI", float(f["supplier_hhi"].median()))
        yield ("客户HHI中位数" if zh else "median customer HHI", float(f["customer_hhi"].median()))
        yield ("产业环节数" if zh else "region–sectors", len(self.links))
        for n in self.notes:
            yield ("说明" if zh else "note", n)


def _block(H: np.ndarray, total: np.ndarray, count: np.ndarray, side: str) -> dict[str, np.ndarray]:
    flow, partners = ("purchases", "suppliers") if side == "supplier" else ("sales", "customers")
    with np.errstate(divide="ignore"):
        eq = np.where(H > 0, 1.0 / H, np.nan)
    return {flow: total, partners: count, f"{side}_hhi": H, f"{side}_equivalent": eq}


def hhi_concentration(graph: FirmGraph) -> ConcentrationResult:
    """Supplier and customer Herfindahl–Hirschman indices per firm and per region–sector.

    Parameters
    ----------
    graph : FirmGraph
        From :func:`industrial_brain.network.firm_graph`.

    Returns
    -------
    ConcentrationResult

    Notes
    -----
    H^sup_j = Σ_i (z_ij / m_j)², H^cus_i = Σ_j (z_ij / s_i)², equivalent number 1/H; for a region–sector
    g the flows of its firms are pooled: columns of Z G (supplier side), rows of Gᵀ Z (customer side).
    Partners are firms (a supplier in the same region–sector counts like any other).

    References
    ----------
    Hirschman, A. O. (1964). The paternity of an index. *American Economic Review* 54(5), 761.
    Adelman, M. A. (1969). Comment on the "H" concentration measure as a numbers-equivalent.
    *Review of Economics and Statistics* 51(1), 99–101.
    U.S. DOJ & FTC (2023). *Merger Guidelines*, §2.1 (HHI on shares; > 0.18 highly concentrated).

    Examples
    --------
    B buys 6 from A and 2 from C: H = (6/8)² + (2/8)² = 0.625, 1.6 equivalent suppliers.

    >>> import pandas as pd
    >>> from industrial_brain.network import firm_graph
    >>> firms = pd.DataFrame({"uscc": ["A", "B", "C"], "region_code": "11", "sector_code": ["s", "t", "s"]})
    >>> edges = pd.DataFrame({"seller": ["A", "C"], "buyer": ["B", "B"], "amount": [6.0, 2.0]})
    >>> r = hhi_concentration(firm_graph(firms, edges))
    >>> r.firms.loc["B", ["supplier_hhi", "supplier_equivalent"]].tolist()
    [0.625, 1.6]
    """
    g = graph
    Z = g.Z
    sup = _block(*hhi_rows(Z.T), "supplier")
    cus = _block(*hhi_rows(Z), "customer")
    firms = pd.DataFrame(
        {
            "region_code": g.column("region_code"),
            "sector_code": g.column("sector_code"),
            **sup,
            **cus,
        },
        index=g.index,
    )
    link_frame = g.firms[["region_code", "sector_code"]]
    codes, uniques = pd.MultiIndex.from_frame(link_frame).factorize()
    links_index = pd.MultiIndex.from_tuples(list(uniques), names=["region_code", "sector_code"])
    G = indicator(codes.astype(np.int64), len(uniques))
    lsup = _block(*hhi_rows((Z @ G).T), "supplier")
    lcus = _block(*hhi_rows(G.T @ Z), "customer")
    links = pd.DataFrame(
        {"firms": np.bincount(codes, minlength=len(uniques)), **lsup, **lcus}, index=links_index
    ).sort_index()
    notes = list(g.notes)
    none = int(np.isnan(sup["supplier_hhi"]).sum())
    if none:
        notes.append(f"{none} firms buy nothing in the graph: their supplier HHI is NaN")
    return ConcentrationResult(
        firms=firms,
        links=links,
        notes=tuple(notes),
        lineage=Lineage.make("network.hhi_concentration", g.lineage_params()),
    )
