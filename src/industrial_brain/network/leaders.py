"""Chain leaders (链主企业) and single points of failure (单点依赖) of a firm network.

**Centrality.** PageRank on the weighted directed graph, both ways:

* ``pagerank_supplier`` — the walk goes from a buyer to its suppliers with probability equal to their
  share of its purchases (the graph Zᵀ): a firm ranks high when firms that rank high depend on it.
  This is the leader *as a supplier* the chain cannot do without.
* ``pagerank_buyer`` — the walk goes from a seller to its customers with probability equal to their
  share of its sales (the graph Z): the leader *as a buyer* that organises its suppliers (the
  integrator, 链主 in the usual policy sense).

Optionally eigenvector centrality on the supplier side, x ∝ Z x (a firm is central when central firms
buy from it); on a supply network without cycles it is zero everywhere but at the sinks, so it is off
by default and a non-converging iteration is a :class:`~industrial_brain.errors.MethodError`.

Both are power iterations on scipy.sparse matrices written here, not networkx: networkx builds a
Python dict-of-dicts graph first, which for a million firms costs more time and memory than the
iteration itself. The iteration is networkx's (same dangling-node rule, same stopping rule), and the
tests check it against ``networkx.pagerank`` and ``networkx.eigenvector_centrality`` on small graphs.

**Output at risk** (first round) of firm k: its customers' output that depends on it in proportion to
the share of their inputs it supplies, OaR_k = Σ_j (z_kj / m_j) x_j.

**Single points of failure**: a region–sector (the buyers of one sector in one region) whose purchases
of one input sector pass through one firm (largest supplier's share ≥ ``bound``) or two firms (the two
largest together ≥ ``bound``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np
import pandas as pd
import scipy.sparse as sp

from industrial_brain._shared.results import ResultMixin
from industrial_brain.errors import InputError, MethodError
from industrial_brain.lineage import Lineage
from industrial_brain.network._common import FirmGraph, indicator, relabel

__all__ = [
    "ChainLeadersResult",
    "SinglePointsResult",
    "chain_leaders",
    "eigenvector_centrality",
    "pagerank",
    "single_points_of_failure",
]

RANK_BY = ("output_at_risk", "pagerank_supplier", "pagerank_buyer", "eigenvector")


def pagerank(W: Any, alpha: float = 0.85, *, tol: float = 1e-10, max_iter: int = 1000) -> np.ndarray:
    """Weighted PageRank of the directed graph with weights W (w_ij: edge i → j), by power iteration.

    Parameters
    ----------
    W : sparse matrix or ndarray (n × n), non-negative
    alpha : float
        Damping factor (0.85).
    tol : float
        Stop when Σ_i |x_i − x_i^prev| < n · tol (networkx's rule).
    max_iter : int

    Returns
    -------
    ndarray (n,)
        PageRank, summing to 1.

    Notes
    -----
    With P = D⁻¹ W row-stochastic (D = diag of out-weights) and d the dangling nodes (no out-edge),
    x ← α (Pᵀ x + (Σ_{i∈d} x_i) / n · 1) + (1 − α) / n · 1, starting from x = 1/n.

    References
    ----------
    Page, L., Brin, S., Motwani, R. & Winograd, T. (1999). The PageRank citation ranking: bringing
    order to the web. Stanford InfoLab 1999-66. Langville, A. N. & Meyer, C. D. (2006). *Google's
    PageRank and Beyond*, ch. 4–5. Hagberg, A. et al. (2008), NetworkX (``pagerank``), SciPy 2008.

    Examples
    --------
    A 3-cycle is symmetric: every node has 1/3.

    >>> import numpy as np
    >>> pagerank(np.array([[0, 1, 0], [0, 0, 1], [1, 0, 0.]])).round(6).tolist()
    [0.333333, 0.333333, 0.333333]
    """
    if not 0 < alpha < 1:
        raise InputError.at("alpha must be in (0, 1)", column="alpha", value=alpha)
    W = sp.csr_array(W, dtype=np.float64)
    n = W.shape[0]
    out = np.asarray(W.sum(axis=1)).ravel()
    dangling = out == 0
    inv = np.zeros(n)
    np.divide(1.0, out, out=inv, where=~dangling)
    PT = sp.csr_array((sp.diags_array(inv) @ W).T)  # Pᵀ in CSR: one fast mat-vec per step
    x = np.full(n, 1.0 / n)
    teleport = (1.0 - alpha) / n
    for _ in range(max_iter):
        new = PT @ x
        new *= alpha
        new += alpha * x[dangling].sum() / n + teleport
        err = np.abs(new - x).sum()
        x = new
        if err < n * tol:
            return x
    raise MethodError(f"PageRank did not converge in {max_iter} iterations (tolerance {tol:g})")


def eigenvector_centrality(W: Any, *, tol: float = 1e-10, max_iter: int = 1000) -> np.ndarray:
    """Eigenvector centrality x ∝ Wᵀ x (in-edges), by networkx's shifted power iteration.

    Notes
    -----
    x ← (I + Wᵀ) x / ‖(I + Wᵀ) x‖₂ from x = 1/n (the shift I keeps periodic graphs converging; it does not
    change the Perron vector), until Σ |x − x^prev| < n · tol.

    References
    ----------
    Bonacich, P. (1987). Power and centrality: a family of measures. *American Journal of Sociology*
    92(5), 1170–1182. Newman, M. E. J. (2018). *Networks*, 2nd ed., §7.1.

    Examples
    --------
    >>> import numpy as np
    >>> eigenvector_centrality(np.array([[0, 1.], [1, 0]])).round(6).tolist()
    [0.707107, 0.707107]
    """
    WT = sp.csr_array(sp.csr_array(W, dtype=np.float64).T)
    n = WT.shape[0]
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        new = x + WT @ x
        norm = np.sqrt(new @ new) or 1.0
        new /= norm
        err = np.abs(new - x).sum()
        x = new
        if err < n * tol:
            return x
    raise MethodError(
        f"eigenvector centrality did not converge in {max_iter} iterations: the graph has few or no cycles "
        "(rank by PageRank instead)"
    )


def _output_at_risk(Z: sp.csr_array, output: np.ndarray, purchases: np.ndarray) -> np.ndarray:
    """First-round output at risk OaR_k = Σ_j (z_kj / m_j) x_j (0 for customers without purchases)."""
    per_input = np.zeros(len(output))
    np.divide(output, purchases, out=per_input, where=purchases > 0)
    return Z @ per_input


@dataclass(frozen=True)
class ChainLeadersResult(ResultMixin):
    """Chain leaders: centralities and output at risk per firm, ranked.

    Attributes
    ----------
    table : DataFrame
        Index ``uscc``, ranked by ``rank_by``: ``region_code``, ``sector_code``, ``output``, ``sales``,
        ``customers``, ``pagerank_supplier``, ``pagerank_buyer`` [, ``eigenvector``], ``output_at_risk``
        (CNY), ``output_at_risk_share`` (of all firms' output), ``rank``.
    rank_by : str
    notes : tuple of str
    lineage : Lineage
    """

    table: pd.DataFrame
    rank_by: str
    notes: tuple[str, ...] = ()
    lineage: Lineage = field(default_factory=lambda: Lineage.make("network.chain_leaders"))

    title_en = "Chain leaders"
    title_zh = "链主企业识别"

    def top(self, k: int = 10) -> pd.DataFrame:
        """The k leading firms."""
        return self.table.head(k)

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """One row per firm, ranked."""
        return relabel(self.table, lang)

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        yield ("企业数" if zh else "firms", len(self.table))
        yield ("排序依据" if zh else "ranked by", self.rank_by)
        if len(self.table):
            first = self.table.iloc[0]
            yield ("第一位" if zh else "first", str(self.table.index[0]))
            yield (
                "其风险产出占比" if zh else "its output at risk (share)",
                f"{first['output_at_risk_share']:.2%}",
            )
        for n in self.notes:
            yield ("说明" if zh else "note", n)


def chain_leaders(
    graph: FirmGraph,
    *,
    alpha: float = 0.85,
    rank_by: str = "output_at_risk",
    eigenvector: bool = False,
    tol: float = 1e-10,
    max_iter: int = 1000,
) -> ChainLeadersResult:
    """Rank firms as chain leaders by weighted PageRank (both directions) and by output at risk.

    Parameters
    ----------
    graph : FirmGraph
    alpha : float
        PageRank damping (0.85).
    rank_by : {"output_at_risk", "pagerank_supplier", "pagerank_buyer", "eigenvector"}
    eigenvector : bool
        Also compute eigenvector centrality (supplier side); needed for ``rank_by="eigenvector"``.
    tol, max_iter : float, int
        Power-iteration stopping rule (see :func:`pagerank`).

    Returns
    -------
    ChainLeadersResult

    Notes
    -----
    pagerank_supplier = PageRank(Zᵀ) (walk buyer → supplier by purchase shares z_ij / m_j);
    pagerank_buyer = PageRank(Z) (walk seller → customer by sales shares z_ij / s_i);
    eigenvector: x ∝ Z x; output at risk OaR_k = Σ_j (z_kj / m_j) x_j, share OaR_k / Σ_i x_i.
    The output at risk is the first round only (the customers, not their customers) and proportional
    (a customer losing a tenth of its inputs loses a tenth of its output), as the first step of
    hypothetical extraction (Miller & Lahr 2001); :func:`industrial_brain.network.firm_cascade` follows
    the loss further with inventories and fixed proportions.

    References
    ----------
    Page et al. (1999) (see :func:`pagerank`). Acemoglu, D., Carvalho, V. M., Ozdaglar, A. &
    Tahbaz-Salehi, A. (2012). The network origins of aggregate fluctuations. *Econometrica* 80(5),
    1977–2016 (influence vector of a production network). Miller, R. E. & Lahr, M. L. (2001). A
    taxonomy of extractions. In Lahr & Miller (eds.), *Regional Science Perspectives in Economic
    Analysis*, Elsevier, 407–441.

    Examples
    --------
    A sells 6 to B, whose inputs are 8 and output 20: A's output at risk is 6/8 · 20 = 15.

    >>> import pandas as pd
    >>> from industrial_brain.network import firm_graph
    >>> firms = pd.DataFrame({"uscc": ["A", "B", "C"], "region_code": "11", "sector_code": ["s", "t", "s"],
    ...                       "revenue": [10.0, 20.0, 5.0]})
    >>> edges = pd.DataFrame({"seller": ["A", "C"], "buyer": ["B", "B"], "amount": [6.0, 2.0]})
    >>> chain_leaders(firm_graph(firms, edges)).table["output_at_risk"].tolist()
    [15.0, 5.0, 0.0]
    """
    if rank_by not in RANK_BY:
        raise InputError.at("unknown ranking", column="rank_by", value=rank_by, expected=" | ".join(RANK_BY))
    if rank_by == "eigenvector" and not eigenvector:
        raise InputError.at("rank_by='eigenvector' needs eigenvector=True", column="rank_by", value=rank_by)
    g = graph
    Z = g.Z
    x = g.output
    cols: dict[str, Any] = {
        "region_code": g.column("region_code"),
        "sector_code": g.column("sector_code"),
        "output": x,
        "sales": g.sales,
        "customers": np.diff(Z.indptr),
        "pagerank_supplier": pagerank(Z.T, alpha, tol=tol, max_iter=max_iter),
        "pagerank_buyer": pagerank(Z, alpha, tol=tol, max_iter=max_iter),
    }
    if eigenvector:
        cols["eigenvector"] = eigenvector_centrality(Z.T, tol=tol, max_iter=max_iter)
    oar = _output_at_risk(Z, x, g.purchases)
    cols["output_at_risk"] = oar
    total = float(x.sum())
    cols["output_at_risk_share"] = oar / total if total > 0 else np.zeros(g.n)
    table = pd.DataFrame(cols, index=g.index)
    table = table.sort_values(rank_by, ascending=False, kind="stable")
    table["rank"] = np.arange(1, len(table) + 1)
    return ChainLeadersResult(
        table=table,
        rank_by=rank_by,
        notes=g.notes,
        lineage=Lineage.make(
            "network.chain_leaders",
            {
                **g.lineage_params(),
                "alpha": alpha,
                "rank_by": rank_by,
                "eigenvector": eigenvector,
                "tol": tol,
            },
        ),
    )


@dataclass(frozen=True)
class SinglePointsResult(ResultMixin):
    """Region–sectors whose supply of an input passes through one or two firms.

    Attributes
    ----------
    table : DataFrame
        Index (``region_code``, ``sector_code``, ``input_sector``): ``input_purchases`` (CNY),
        ``input_share`` (of the region–sector's purchases), ``suppliers``, ``top1``, ``top1_share``,
        ``top2``, ``top2_share`` (the two together), ``through`` (1 or 2 firms).
        Only the flagged cells, largest purchases first.
    bound, min_input_share : float
    notes : tuple of str
    lineage : Lineage
    """

    table: pd.DataFrame
    bound: float
    min_input_share: float
    notes: tuple[str, ...] = ()
    lineage: Lineage = field(default_factory=lambda: Lineage.make("network.single_points_of_failure"))

    title_en = "Single points of failure"
    title_zh = "单点依赖（一两家企业供应的投入）"

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """One row per flagged (region, sector, input sector)."""
        return relabel(self.table, lang)

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        t = self.table
        yield ("份额阈值" if zh else "share bound", self.bound)
        yield ("最小投入占比" if zh else "minimum input share", self.min_input_share)
        yield ("依赖一家企业" if zh else "through one firm", int((t["through"] == 1).sum()))
        yield ("依赖两家企业" if zh else "through two firms", int((t["through"] == 2).sum()))


def single_points_of_failure(
    graph: FirmGraph, *, bound: float = 0.9, min_input_share: float = 0.05
) -> SinglePointsResult:
    """Region–sectors whose purchases of an input sector pass through one or two supplier firms.

    Parameters
    ----------
    graph : FirmGraph
    bound : float
        Flag when the largest supplier's share (``through = 1``), else the two largest suppliers'
        share (``through = 2``), of the input is at least ``bound`` (0.9).
    min_input_share : float
        Only inputs that make at least this share of the region–sector's purchases (0.05).

    Returns
    -------
    SinglePointsResult

    Notes
    -----
    For buyers g = (region r, sector b) and input sector s: q_gk = Σ_{j∈g} z_kj over suppliers k of
    sector s, Q_gs = Σ_k q_gk; with q_(1) ≥ q_(2) ≥ … flag when q_(1)/Q_gs ≥ bound or
    (q_(1) + q_(2))/Q_gs ≥ bound, and Q_gs / Σ_s Q_gs ≥ ``min_input_share``. Suppliers anywhere count
    (a local chain fed from one distant plant is as exposed as one fed by one local plant).

    References
    ----------
    OECD (2021). *Fostering economic resilience in a world of open and integrated markets*
    (concentration of supply: one or few suppliers of a critical input). European Commission (2021).
    *Strategic dependencies and capacities*, SWD(2021) 352 (supply concentrated in few sources).

    Examples
    --------
    Region 11's sector t buys input s from A (9) and C (1): A alone supplies 90 %.

    >>> import pandas as pd
    >>> from industrial_brain.network import firm_graph
    >>> firms = pd.DataFrame({"uscc": ["A", "B", "C"], "region_code": "11", "sector_code": ["s", "t", "s"]})
    >>> edges = pd.DataFrame({"seller": ["A", "C"], "buyer": ["B", "B"], "amount": [9.0, 1.0]})
    >>> single_points_of_failure(firm_graph(firms, edges)).table[["top1", "top1_share", "through"]]
                                        top1  top1_share  through
    region_code sector_code input_sector
    11          t           s               A         0.9        1
    """
    if not 0 < bound <= 1:
        raise InputError.at("bound must be in (0, 1]", column="bound", value=bound)
    if not 0 <= min_input_share < 1:
        raise InputError.at(
            "min_input_share must be in [0, 1)", column="min_input_share", value=min_input_share
        )
    g = graph
    link_codes, links = pd.MultiIndex.from_frame(g.firms[["region_code", "sector_code"]]).factorize()
    sec_codes, sectors = g.codes("sector_code")
    S = len(sectors)
    M = sp.coo_array((g.Z @ indicator(link_codes.astype(np.int64), len(links))).T)  # (buyer link × seller)
    row, col, q = M.row.astype(np.int64), M.col.astype(np.int64), M.data
    keep = q > 0
    row, col, q = row[keep], col[keep], q[keep]
    key = row * S + sec_codes[col]
    order = np.lexsort((-q, key))
    key, col, q = key[order], col[order], q[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else np.array([], np.int64)
    count = np.diff(np.r_[starts, len(key)])
    Q = np.add.reduceat(q, starts) if len(key) else np.array([])
    link_total = np.bincount(row, weights=q, minlength=len(links))
    top1 = q[starts] if len(key) else np.array([])
    has2 = count >= 2
    second = np.where(has2, starts + 1, starts)
    top2 = np.where(has2, q[second] if len(key) else 0.0, 0.0)
    k_link, k_sec = key[starts] // S, key[starts] % S
    share_input = Q / link_total[k_link] if len(key) else Q
    s1, s2 = top1 / np.where(Q > 0, Q, 1), (top1 + top2) / np.where(Q > 0, Q, 1)
    through = np.where(s1 >= bound, 1, np.where(s2 >= bound, 2, 0))
    flag = (through > 0) & (share_input >= min_input_share)
    uscc = g.uscc
    link_index = pd.MultiIndex.from_tuples(list(links), names=["region_code", "sector_code"])
    sel = np.flatnonzero(flag)
    idx = pd.MultiIndex.from_arrays(
        [
            link_index.get_level_values(0)[k_link[sel]],
            link_index.get_level_values(1)[k_link[sel]],
            sectors[k_sec[sel]],
        ],
        names=["region_code", "sector_code", "input_sector"],
    )
    table = pd.DataFrame(
        {
            "input_purchases": Q[sel],
            "input_share": share_input[sel],
            "suppliers": count[sel],
            "top1": uscc[col[starts[sel]]],
            "top1_share": s1[sel],
            "top2": np.where(has2[sel], uscc[col[second[sel]]], None),
            "top2_share": s2[sel],
            "through": through[sel],
        },
        index=idx,
    ).sort_values("input_purchases", ascending=False, kind="stable")
    return SinglePointsResult(
        table=table,
        bound=bound,
        min_input_share=min_input_share,
        notes=g.notes,
        lineage=Lineage.make(
            "network.single_points_of_failure",
            {**g.lineage_params(), "bound": bound, "min_input_share": min_input_share},
        ),
    )
