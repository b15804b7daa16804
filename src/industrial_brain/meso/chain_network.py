"""The industrial chain as a directed weighted graph (networkx): significant links, centralities,
upstream/downstream trees and structural hubs.

Nodes are sectors (or (region, sector) pairs of an MRIO); an edge i → j (supplier → buyer) is kept
when the coefficient a_ij (or flow z_ij) passes a significance rule:

* ``"absolute"``: a_ij ≥ threshold (default 0.01);
* ``"relative"``: a_ij / Σ_k a_kj ≥ threshold (the supplier's share of j's intermediate inputs,
  default 0.05);
* ``"important"``: the "important coefficients" rule of Schintke & Stäglin (1988): the tolerable
  limit r_ij(p) = 100 p / (a_ij (p l_ji + 100 l_ii x_j / x_i)), the percentage change of a_ij that
  changes the output x_i of the supplier by p % (default p = 1), is at most ``threshold``
  (default 20 %).

Centralities use networkx: PageRank on the weights, betweenness on the distance −ln(w / w_max)
(a chain of strong links is short: the distance of a path is −ln of the product of its
normalised weights). Structural hubs (结构枢纽部门) combine the hypothetical-extraction loss (total
extraction, Miller & Lahr 2001; :mod:`industrial_brain.meso.extraction`) with betweenness: the
most central nodes of the graph. They are not chokepoints in the policy sense (卡脖子: critical
inputs that depend on foreign supply), which :mod:`industrial_brain.meso.chokepoint_analysis` ranks.

Graph theory is networkx's (a maintained library); only the IO-specific rules are written here.

References
----------
Schintke, J. & Stäglin, R. (1988). Important input coefficients in market transactions tables and
production flow tables. In Ciaschini (ed.), *Input–Output Analysis: Current Developments*,
Chapman & Hall, 43–60.
Aroche-Reyes, F. (1996). Important coefficients and structural change: a multi-layer approach.
*Economic Systems Research* 8(3), 235–246.
Xu, M. & Liang, S. (2019). Input–output networks offer new insights of economic structure.
*Physica A* 527, 121178.
"""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

import networkx as nx
import numpy as np
import pandas as pd

from industrial_brain.errors import InputError
from industrial_brain.lineage import Lineage
from industrial_brain._shared.results import ResultMixin
from industrial_brain.meso._common import as_matrix, as_vector, labels_of
from industrial_brain.meso.extraction import hypothetical_extraction
from industrial_brain.meso.leontief import LeontiefLU

__all__ = [
    "ChainGraph",
    "chain_graph",
    "significant_links",
    "important_coefficients",
    "tolerable_limits",
    "RULES",
]

RULES = ("absolute", "relative", "important")
_DEFAULT_THRESHOLD = {"absolute": 0.01, "relative": 0.05, "important": 20.0}


def tolerable_limits(A: Any, x: Any, *, p: float = 1.0, L: Any | None = None) -> Any:
    """Tolerable limits r_ij(p) of the input coefficients (Schintke & Stäglin 1988), in percent.

    Parameters
    ----------
    A : (n, n) ndarray or DataFrame
    x : (n,) gross output
    p : float, default 1
        Percentage change of the supplier's output x_i that is tolerated.
    L : optional
        The Leontief inverse, if already formed.

    Returns
    -------
    ndarray or DataFrame
        r_ij(p) = 100 p / (a_ij (p l_ji + 100 l_ii x_j / x_i)); ``inf`` where a_ij = 0 or x_i = 0.

    Notes
    -----
    From the Sherman–Morrison update of L when a_ij changes by Δ:
    Δx_i = l_ii Δ x_j / (1 − l_ji Δ); set Δ = r a_ij / 100 and Δx_i / x_i = p / 100.

    Examples
    --------
    Miller & Blair's A = [[.15, .25], [.2, .05]], x = [1000, 2000]: for a_12 = .25,
    l_21 = .264, l_11 = 1.2541 → r = 100 / (.25 (.264 + 100 · 1.2541 · 2)) ≈ 1.593 %.

    >>> import numpy as np
    >>> r = tolerable_limits(np.array([[.15, .25], [.2, .05]]), np.array([1000., 2000.]))
    >>> round(float(r[0, 1]), 3)
    1.593
    """
    idx, cols = labels_of(A)
    Am = as_matrix(A, "A", square=True)
    xv = as_vector(x, "x", Am.shape[0], labels=cols)
    Lm = as_matrix(L, "L", square=True) if L is not None else LeontiefLU(Am).inverse()
    lii = np.diag(Lm)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(xv[:, None] > 0, xv[None, :] / xv[:, None], np.inf)  # x_j / x_i
        denom = Am * (p * Lm.T + 100.0 * lii[:, None] * ratio)
        r = np.where((Am > 0) & np.isfinite(denom) & (denom > 0), 100.0 * p / denom, np.inf)
    return pd.DataFrame(r, index=idx, columns=cols) if idx is not None else r


def important_coefficients(A: Any, x: Any, *, limit: float = 20.0, p: float = 1.0) -> Any:
    """Boolean mask of important coefficients: tolerable limit r_ij(p) ≤ ``limit`` percent.

    Examples
    --------
    >>> import numpy as np
    >>> important_coefficients(np.array([[.15, .25], [.2, .05]]), np.array([1000., 2000.]), limit=10.0)
    array([[ True,  True],
           [ True, False]])
    """
    r = tolerable_limits(A, x, p=p)
    return r <= limit


def significant_links(
    M: Any, *, rule: str = "relative", threshold: float | None = None, x: Any | None = None
) -> np.ndarray:
    """Boolean mask of the links i → j that pass the significance rule (see the module docstring).

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[.0, .3, .0], [.02, .0, .4], [.0, .0, .0]])
    >>> significant_links(A, rule="absolute", threshold=.05).astype(int)
    array([[0, 1, 0],
           [0, 0, 1],
           [0, 0, 0]])
    >>> significant_links(A, rule="relative", threshold=.5).astype(int)   # shares: col 1 = [0, 1], ...
    array([[0, 1, 0],
           [1, 0, 1],
           [0, 0, 0]])
    """
    if rule not in RULES:
        raise InputError.at(
            "unknown significance rule", column="rule", value=rule, expected=" | ".join(RULES)
        )
    thr = _DEFAULT_THRESHOLD[rule] if threshold is None else float(threshold)
    Mm = as_matrix(M, "A", square=True)
    if rule == "absolute":
        return (Mm >= thr) & (Mm > 0)
    if rule == "relative":
        cs = Mm.sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(cs[None, :] > 0, Mm / cs[None, :], 0.0)
        return (share >= thr) & (Mm > 0)
    if x is None:
        raise InputError.at(
            "the important-coefficients rule needs gross output", column="x", expected="x given"
        )
    _, cols = labels_of(M)
    return np.asarray(important_coefficients(Mm, as_vector(x, "x", Mm.shape[0], labels=cols), limit=thr))


@dataclass(frozen=True)
class ChainGraph(ResultMixin):
    """A significant-link graph of an input–output table with its centralities.

    Attributes
    ----------
    graph : networkx.DiGraph
        Edges supplier → buyer with ``weight`` (coefficient or flow) and ``distance`` (−ln w/w_max);
        node attributes ``name`` and ``x`` when known.
    nodes : DataFrame
        By node: ``pagerank``, ``betweenness`` (normalised), ``in_degree``, ``out_degree``,
        ``in_strength``, ``out_strength``.
    rule : str
    threshold : float
    A : DataFrame
        The coefficients the graph was built from (for trees and structural hubs).
    x : Series or None
    notes : tuple of str
    lineage : Lineage
    """

    graph: nx.DiGraph
    nodes: pd.DataFrame
    rule: str
    threshold: float
    A: pd.DataFrame
    x: pd.Series | None
    notes: tuple[str, ...]
    lineage: Lineage

    title_en = "Industrial chain graph"
    title_zh = "产业链网络"

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        g = self.graph
        yield ("显著性规则" if zh else "rule", f"{self.rule} (threshold {self.threshold:g})")
        yield ("节点数" if zh else "nodes", g.number_of_nodes())
        yield ("边数" if zh else "edges", g.number_of_edges())
        yield ("密度" if zh else "density", nx.density(g) if g.number_of_nodes() > 1 else 0.0)
        if len(self.nodes):
            yield ("PageRank 最高" if zh else "highest PageRank", str(self.nodes["pagerank"].idxmax()))
            yield ("介数最高" if zh else "highest betweenness", str(self.nodes["betweenness"].idxmax()))
        for n in self.notes:
            yield ("说明" if zh else "note", n)

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """One row per sector node: name and centralities."""
        f = self.nodes.copy()
        if lang == "zh":
            f = f.rename(
                columns={
                    "name": "名称",
                    "pagerank": "PageRank",
                    "betweenness": "介数中心性",
                    "in_degree": "入度",
                    "out_degree": "出度",
                    "in_strength": "入强度",
                    "out_strength": "出强度",
                }
            )
            f.index.name = "部门"
        return f

    # ---------------------------------------------------------------- trees
    def _check_node(self, node: Any) -> Any:
        if node in self.graph:
            return node
        key = _node_id(node)  # MRIO nodes also as "region:sector", e.g. "110000:31"
        matches = [n for n in self.graph if str(n) == str(node) or _node_id(n) == key]
        if not matches:
            raise InputError.at(
                "unknown sector",
                column="--sector",
                value=str(node),
                expected=f"a code such as {list(self.graph.nodes)[:3]}",
            )
        return matches[0]

    def tree(self, sector: Any, *, depth: int = 3, direction: str = "upstream") -> pd.DataFrame:
        """Breadth-first upstream (suppliers) or downstream (buyers) tree of ``sector`` to ``depth``.

        Each sector appears once, at the smallest depth where it is reached (ties: the strongest
        link). Returns a frame with ``depth``, ``sector``, ``parent``, ``weight`` (the coefficient
        of the link to the parent) and ``path_weight`` (product of the weights along the path).

        Examples
        --------
        >>> import numpy as np
        >>> A = np.array([[0., .3, 0.], [0., 0., .4], [0., 0., 0.]])
        >>> g = chain_graph(A, rule="absolute", threshold=.1)
        >>> t = g.tree(2, depth=2)
        >>> [(int(d), int(s), int(p), round(float(w), 6)) for d, s, p, w in
        ...  zip(t["depth"], t["sector"], t["parent"], t["path_weight"])]
        [(1, 1, 2, 0.4), (2, 0, 1, 0.12)]
        """
        if direction not in ("upstream", "downstream"):
            raise InputError.at(
                "unknown direction", column="direction", value=direction, expected="upstream | downstream"
            )
        if depth < 1:
            raise InputError.at("depth must be ≥ 1", column="--depth", value=depth)
        root = self._check_node(sector)
        g = self.graph
        nxt = g.predecessors if direction == "upstream" else g.successors
        seen = {root}
        rows = []
        frontier = deque([(root, 1.0)])
        for d in range(1, depth + 1):
            cand: dict[Any, tuple[Any, float, float]] = {}
            for node, pw in frontier:
                for nb in nxt(node):
                    if nb in seen:
                        continue
                    w = g[nb][node]["weight"] if direction == "upstream" else g[node][nb]["weight"]
                    if nb not in cand or w > cand[nb][1]:
                        cand[nb] = (node, w, pw * w)
            if not cand:
                break
            frontier = deque()
            for nb, (parent, w, pw) in sorted(cand.items(), key=lambda kv: -kv[1][2]):
                seen.add(nb)
                rows.append(
                    {
                        "depth": d,
                        "sector": nb,
                        "parent": parent,
                        "weight": w,
                        "path_weight": pw,
                        "name": g.nodes[nb].get("name", ""),
                    }
                )
                frontier.append((nb, pw))
        cols = ["depth", "sector", "parent", "weight", "path_weight", "name"]
        return pd.DataFrame(rows, columns=cols)

    # ---------------------------------------------------------------- structural hubs
    def structural_hubs(self, top: int | None = None) -> pd.DataFrame:
        """Structural hubs (结构枢纽部门): sectors ranked by total hypothetical-extraction loss and by
        betweenness.

        ``rank_extraction`` and ``rank_betweenness`` (1 = most central) are averaged into
        ``score``; the frame is sorted by ``score`` (ties: larger extraction loss first). This is
        the centrality ranking formerly called "chokepoints"; chokepoints as import dependence ×
        output at risk are :func:`industrial_brain.meso.chokepoint_analysis.import_dependence`.
        """
        if self.x is None:
            raise InputError.at("structural hubs need gross output", column="x", expected="x given")
        ext = hypothetical_extraction(self.A, self.x).table
        bc = self.nodes["betweenness"].to_numpy()
        pr = self.nodes["pagerank"].to_numpy()
        if np.isnan(bc).any():
            b = nx.betweenness_centrality(self.graph, weight="distance", normalized=True)
            bc = np.array([b[v] for v in self.graph.nodes])
        f = pd.DataFrame(
            {
                "name": self.nodes.get("name", pd.Series("", index=self.nodes.index)),
                "loss_total": ext["loss_total"].to_numpy(),
                "share_total": ext["share_total"].to_numpy(),
                "betweenness": bc,
                "pagerank": pr,
            },
            index=self.nodes.index,
        )
        f["rank_extraction"] = f["loss_total"].rank(ascending=False, method="min").astype(int)
        f["rank_betweenness"] = f["betweenness"].rank(ascending=False, method="min").astype(int)
        f["score"] = (f["rank_extraction"] + f["rank_betweenness"]) / 2.0
        f = f.sort_values(["score", "loss_total"], ascending=[True, False])
        return f.head(top) if top else f

    def chokepoints(self, top: int | None = None) -> pd.DataFrame:
        """Alias of :meth:`structural_hubs`, kept for existing scripts (the graph alone cannot tell
        import dependence: see :mod:`industrial_brain.meso.chokepoint_analysis`)."""
        return self.structural_hubs(top)

    # ---------------------------------------------------------------- export
    def to_graphml(self) -> str:
        """The graph as a GraphML document (node ids as strings)."""
        g = nx.relabel_nodes(self.graph, {n: _node_id(n) for n in self.graph})
        for n, d in g.nodes(data=True):
            for k, v in list(d.items()):
                if v is None:
                    del d[k]
        return "\n".join(nx.generate_graphml(g))

    def to_json(self) -> str:
        """Node-link JSON for the dashboard: nodes (id, name, x, pagerank, betweenness), links."""
        nodes = []
        for n, d in self.graph.nodes(data=True):
            row = {"id": _node_id(n), "name": d.get("name", ""), "x": d.get("x")}
            if n in self.nodes.index:
                row["pagerank"] = float(self.nodes.loc[n, "pagerank"])
                row["betweenness"] = float(self.nodes.loc[n, "betweenness"])
            nodes.append(row)
        links = [
            {"source": _node_id(u), "target": _node_id(v), "weight": float(d["weight"])}
            for u, v, d in self.graph.edges(data=True)
        ]
        return json.dumps(
            {
                "directed": True,
                "rule": self.rule,
                "threshold": self.threshold,
                "nodes": nodes,
                "links": links,
            },
            ensure_ascii=False,
        )


def _node_id(n: Any) -> str:
    return ":".join(map(str, n)) if isinstance(n, tuple) else str(n)


def chain_graph(
    M: Any,
    x: Any | None = None,
    *,
    rule: str = "relative",
    threshold: float | None = None,
    names: Mapping[Any, str] | pd.Series | None = None,
    coefficients: bool = True,
    centralities: bool = True,
) -> ChainGraph:
    """Directed weighted graph of the significant links of A (or Z) with PageRank and betweenness.

    Parameters
    ----------
    M : (n, n) ndarray or DataFrame
        Technical coefficients A (``coefficients=True``) or flows Z (then ``x`` is needed and A =
        Z x̂⁻¹ is derived for extraction, while the edges carry the flows).
    x : (n,), optional
        Gross output (needed for the ``important`` rule, structural hubs and for Z).
    rule : {"absolute", "relative", "important"}
    threshold : float, optional
        Default 0.01 (absolute), 0.05 (relative), 20 % (important).
    names : mapping, optional
        Sector code → display name.
    coefficients : bool, default True
    centralities : bool, default True
        Compute PageRank and betweenness now (skip them — NaN — for trees of large MRIO graphs;
        :meth:`ChainGraph.structural_hubs` then computes betweenness itself).

    Returns
    -------
    ChainGraph

    Notes
    -----
    PageRank: networkx ``pagerank(weight="weight")`` (damping 0.85) on the *dependency* graph
    (edges reversed, buyer → supplier), so a sector ranks high when sectors that rank high
    themselves depend on it; betweenness: ``betweenness_centrality(weight="distance")``, distance
    −ln(w / w_max), normalised by (n − 1)(n − 2).

    References
    ----------
    Page, L., Brin, S., Motwani, R. & Winograd, T. (1999). The PageRank citation ranking.
    Brandes, U. (2001). A faster algorithm for betweenness centrality. *J. Math. Sociology* 25(2).

    Examples
    --------
    A synthetic three-sector chain 0 → 1 → 2 (a_01 = .3, a_12 = .4): sector 1 is the only
    intermediary, betweenness 1/((3−1)(3−2)) = 0.5.

    >>> import numpy as np
    >>> g = chain_graph(np.array([[0., .3, 0.], [0., 0., .4], [0., 0., 0.]]), rule="absolute", threshold=.1)
    >>> sorted(g.graph.edges())
    [(0, 1), (1, 2)]
    >>> float(g.nodes.loc[1, "betweenness"])
    0.5
    """
    if rule not in RULES:
        raise InputError.at(
            "unknown significance rule", column="rule", value=rule, expected=" | ".join(RULES)
        )
    idx, cols = labels_of(M)
    Mm = as_matrix(M, "A" if coefficients else "Z", square=True)
    n = Mm.shape[0]
    labels = list(cols) if cols is not None else list(range(n))
    xv = None if x is None else as_vector(x, "x", n, labels=cols)
    if coefficients:
        A = Mm
    else:
        if xv is None:
            raise InputError.at("a graph from flows Z needs gross output", column="x", expected="x given")
        with np.errstate(divide="ignore", invalid="ignore"):
            A = np.where(xv[None, :] > 0, Mm / xv[None, :], 0.0)
    thr = _DEFAULT_THRESHOLD[rule] if threshold is None else float(threshold)
    if rule == "important":
        if xv is None:
            raise InputError.at(
                "the important-coefficients rule needs gross output", column="x", expected="x given"
            )
        keep = np.asarray(important_coefficients(A, xv, limit=thr))
    else:
        keep = significant_links(Mm if not coefficients else A, rule=rule, threshold=thr)
    np.fill_diagonal(keep, False)  # self-loops carry no chain information for trees/betweenness
    g = nx.DiGraph()
    name_of = {}
    if names is not None:
        name_of = {str(k): v for k, v in (names.items() if hasattr(names, "items") else names)}
    for k, lab in enumerate(labels):
        attrs = {"name": name_of.get(_node_id(lab), name_of.get(str(lab), ""))}
        if xv is not None:
            attrs["x"] = float(xv[k])
        g.add_node(lab, **attrs)
    ii, jj = np.nonzero(keep)
    w = Mm[ii, jj]
    wmax = float(w.max()) if len(w) else 1.0
    for i, j, wt in zip(ii, jj, w):
        g.add_edge(labels[i], labels[j], weight=float(wt), distance=float(-np.log(wt / wmax)))
    if centralities:
        if g.number_of_edges():
            pr = nx.pagerank(g.reverse(copy=False), weight="weight")
        else:
            pr = {v: 1.0 / n for v in g}
        bc = nx.betweenness_centrality(g, weight="distance", normalized=True)
    else:
        pr = bc = {v: np.nan for v in g}
    nodes = pd.DataFrame(
        {
            "name": [g.nodes[v].get("name", "") for v in labels],
            "pagerank": [pr[v] for v in labels],
            "betweenness": [bc[v] for v in labels],
            "in_degree": [g.in_degree(v) for v in labels],
            "out_degree": [g.out_degree(v) for v in labels],
            "in_strength": [g.in_degree(v, weight="weight") for v in labels],
            "out_strength": [g.out_degree(v, weight="weight") for v in labels],
        },
        index=pd.Index(labels, name="sector") if not isinstance(cols, pd.MultiIndex) else cols,
    )
    A_f = pd.DataFrame(
        A,
        index=pd.Index(labels) if not isinstance(cols, pd.MultiIndex) else cols,
        columns=pd.Index(labels) if not isinstance(cols, pd.MultiIndex) else cols,
    )
    x_s = None if xv is None else pd.Series(xv, index=A_f.index, name="x")
    notes = []
    if g.number_of_edges() == 0:
        notes.append("no link passed the significance rule: lower the threshold")
    return ChainGraph(
        graph=g,
        nodes=nodes,
        rule=rule,
        threshold=thr,
        A=A_f,
        x=x_s,
        notes=tuple(notes),
        lineage=Lineage.make(
            "meso.chain_graph",
            {
                "rule": rule,
                "threshold": thr,
                "n": n,
                "edges": g.number_of_edges(),
                "coefficients": coefficients,
            },
        ),
    )
