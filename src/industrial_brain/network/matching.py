"""Supply–demand matchmaking (供需对接): buyers of a region that source an input far away, matched with
capable suppliers nearer, as a minimum-cost flow with capacities.

**Demand.** For each buyer j in the region and input sector s, the purchases from suppliers farther
than ``far_km``: d_js (CNY) at the amount-weighted mean distance c_js (km).

**Supply.** Each firm k of sector s within ``far_km`` of the buyers' region (δ_k, km between the
region centroids), with spare capacity q_k of at least one unit (given, or ``spare_share`` × its
output), not itself short of s; it can serve (j, s) when δ_k < c_js.

**Problem.** Move amounts f_jsk ≥ 0 so as to minimise the amount-weighted distance

    min Σ f_jsk δ_k + Σ (d_js − Σ_k f_jsk) c_js   s.t.  Σ_k f_jsk ≤ d_js,  Σ_js f_jsk ≤ q_k,

a transportation problem: source → (j, s) with capacity d_js; (j, s) → k at cost δ_k; (j, s) → "keep the
current suppliers" at cost c_js; k → sink with capacity q_k. The firms of one input in one region are
the same distance from the buyers, so they form one node with their summed capacity, whose flow is
then handed to them largest first (any split is optimal): the network grows with the buyer–input pairs
× supplying regions, not with the supplier firms. Solved exactly by networkx's network simplex
(``networkx.min_cost_flow``) on amounts in whole ``unit`` (10⁴ CNY by default) and distances in whole km.

**Why min-cost flow and not ``linear_sum_assignment``.** A buyer's demand and a supplier's spare
capacity are amounts of money that may be split; ``linear_sum_assignment`` solves one-to-one
assignments, so capacities would need one copy of a supplier per unit of its capacity — a cost matrix
that grows with the amounts, not with the firms. Network simplex gives the integral optimum, which is
also the optimum of the linear programme (a transportation problem is totally unimodular).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import networkx as nx
import numpy as np
import pandas as pd

from industrial_brain._shared.results import ResultMixin
from industrial_brain.errors import InputError
from industrial_brain.lineage import Lineage
from industrial_brain.network._common import FirmGraph, fmt_cny, region_distances, relabel

__all__ = ["MatchingResult", "match_suppliers"]


@dataclass(frozen=True)
class MatchingResult(ResultMixin):
    """Matches of far-sourcing buyers with nearer suppliers.

    Attributes
    ----------
    matches : DataFrame
        One row per (buyer, input sector, supplier) with a positive flow: ``buyer``, ``input_sector``,
        ``supplier``, ``supplier_region``, ``amount`` (CNY), ``current_km``, ``new_km``, ``km_saved``
        (CNY·km), ``spare_capacity`` (CNY), ``explanation_en``, ``explanation_zh``; largest saving first.
    demand : DataFrame
        One row per (buyer, input sector) sourced far: ``amount`` (CNY), ``current_km``, ``matched`` (CNY).
    cost_before, cost_after : float
        Σ amount × km before and after (CNY·km).
    region : str
    notes : tuple of str
    lineage : Lineage
    """

    matches: pd.DataFrame
    demand: pd.DataFrame
    cost_before: float
    cost_after: float
    region: str
    notes: tuple[str, ...] = ()
    lineage: Lineage = field(default_factory=lambda: Lineage.make("network.match_suppliers"))

    title_en = "Supply–demand matchmaking"
    title_zh = "供需对接匹配"

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """The matches, explained in ``lang``."""
        keep, drop = (
            ("explanation_zh", "explanation_en") if lang == "zh" else ("explanation_en", "explanation_zh")
        )
        return relabel(self.matches.drop(columns=[drop]).rename(columns={keep: "explanation"}), lang)

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        yield ("地区" if zh else "region", self.region)
        yield ("远距离采购（元）" if zh else "far purchases (CNY)", float(self.demand["amount"].sum()))
        yield ("已匹配（元）" if zh else "matched (CNY)", float(self.matches["amount"].sum()))
        yield ("匹配数" if zh else "matches", len(self.matches))
        saved = 1 - self.cost_after / self.cost_before if self.cost_before else 0.0
        yield ("运距下降" if zh else "amount-weighted distance saved", f"{saved:.1%}")
        for n in self.notes:
            yield ("说明" if zh else "note", n)


def _capacities(graph: FirmGraph, capacity: Any, spare_share: float) -> np.ndarray:
    if capacity is None:
        if not 0 < spare_share <= 1:
            raise InputError.at("spare_share must be in (0, 1]", column="spare_share", value=spare_share)
        return spare_share * graph.output
    if isinstance(capacity, pd.Series):
        capacity = capacity.to_dict()
    if not isinstance(capacity, Mapping):
        raise InputError.at(
            "capacity must map USCC → spare capacity",
            column="capacity",
            value=type(capacity).__name__,
            expected="a dict or Series (CNY)",
        )
    q = np.zeros(graph.n)
    pos = graph.positions(capacity.keys(), "supplier in capacity")
    vals = np.array([float(v) for v in capacity.values()])
    if not np.isfinite(vals).all() or (vals < 0).any():
        raise InputError.at(
            "spare capacity must be finite and ≥ 0", column="capacity", value=float(np.min(vals))
        )
    q[pos] = vals
    return q


def _solve(
    demand: pd.DataFrame,
    units: np.ndarray,
    sec: np.ndarray,
    reg: np.ndarray,
    q: np.ndarray,
    to_here: np.ndarray,
    far_km: float,
    unit: float,
) -> list[tuple[tuple[int, Any, int], int]]:
    """The min-cost flow on aggregated nodes, then its flows handed to the firms: ((j, s, k), units).

    Two aggregations keep the network small without changing the optimum. Supplier side: the firms of
    input s in region r are all δ_r from the buyers, one node (s, r) with their summed capacity. Buyer
    side: the buyers of s whose current distance rounds to the same km have the same costs, one node
    (s, c) with their summed demand. The network then has at most (inputs × distinct km) demand nodes,
    however many buyers there are. Any split of an aggregated flow is optimal: it is handed out in
    order (buyers as listed, suppliers largest spare capacity first). Buyers short of an input do not
    supply it to the others.
    """
    G = nx.DiGraph()
    total = int(units.sum())
    G.add_node("source", demand=-total)
    G.add_node("sink", demand=total)
    G.add_edge("keep", "sink")
    slots = (q // unit).astype(np.int64)
    pairs = demand.index.to_frame(index=False)
    pairs["units"] = units
    pairs["km"] = np.rint(demand["current_km"].to_numpy()).astype(np.int64)
    pairs = pairs[pairs["units"] > 0]
    supply: dict[Any, dict[Any, tuple[int, np.ndarray]]] = {}
    for s, short in pairs.groupby("input_sector")["buyer"]:
        pool = np.flatnonzero((sec == s) & (slots > 0) & (to_here <= far_km))
        pool = np.setdiff1d(pool, short.to_numpy())
        pool = pool[np.argsort(-q[pool], kind="stable")]
        supply[s] = {}
        for r in pd.unique(reg[pool]):
            members = pool[reg[pool] == r]
            supply[s][r] = (int(np.rint(to_here[members[0]])), members)
            G.add_edge(("k", s, r), "sink", capacity=int(slots[members].sum()))
    groups = pairs.groupby(["input_sector", "km"], sort=False)
    for (s, km), grp in groups:
        node = ("d", s, int(km))
        d = int(grp["units"].sum())
        G.add_edge("source", node, capacity=d)
        G.add_edge(node, "keep", capacity=d, weight=int(km))
        for r, (dkm, _) in supply[s].items():
            if dkm < km:
                G.add_edge(node, ("k", s, r), capacity=d, weight=dkm)
    flow = nx.min_cost_flow(G) if total > 0 else {}
    left_k = slots.copy()
    out: list[tuple[tuple[int, Any, int], int]] = []
    for (s, km), grp in groups:
        left_j = dict(zip(grp["buyer"].astype(int), grp["units"].astype(int)))
        for target, f in flow.get(("d", s, int(km)), {}).items():
            if f <= 0 or target == "keep":
                continue
            members = supply[s][target[2]][1]
            for j in left_j:
                for k in members:
                    take = min(f, left_j[j], int(left_k[k]))
                    if take:
                        out.append(((j, s, int(k)), take))
                        left_j[j] -= take
                        left_k[k] -= take
                        f -= take
                    if f == 0 or left_j[j] == 0:
                        break
                if f == 0:
                    break
    return out


def match_suppliers(
    graph: FirmGraph,
    region: Any,
    distance: pd.DataFrame,
    *,
    far_km: float = 500.0,
    capacity: Any = None,
    spare_share: float = 0.2,
    unit: float = 1e4,
    year: int | None = None,
) -> MatchingResult:
    """Match the region's buyers that source inputs far away with nearer suppliers that have spare capacity.

    Parameters
    ----------
    graph : FirmGraph
    region : code
        The buyers' region.
    distance : DataFrame
        Region × region km, or region centroids (``lon``, ``lat``) indexed by region code.
    far_km : float
        Purchases from suppliers farther than this are "far" (500 km).
    capacity : mapping USCC → spare capacity (CNY), optional
        Default ``spare_share`` × output for every firm.
    spare_share : float
        Share of output taken as spare capacity when ``capacity`` is not given (0.2).
    unit : float
        Amounts are matched in whole units of this many CNY (10⁴: 万元).
    year : int, optional
        The year whose purchases are matched (default the last year of the edges): demand and spare
        capacity are both annual.

    Returns
    -------
    MatchingResult

    Notes
    -----
    min Σ f_jsk δ_k + Σ (d_js − Σ_k f_jsk) c_js subject to Σ_k f_jsk ≤ d_js, Σ_js f_jsk ≤ q_k, f ≥ 0
    (see the module docstring), solved as a min-cost flow by network simplex.

    References
    ----------
    Hitchcock, F. L. (1941). The distribution of a product from several sources to numerous localities.
    *Journal of Mathematics and Physics* 20, 224–230. Ahuja, R. K., Magnanti, T. L. & Orlin, J. B.
    (1993). *Network Flows*, Prentice Hall, ch. 9 and 11 (minimum-cost flow, network simplex).

    Examples
    --------
    B in region 11 buys 100 (10⁴ CNY units: 1,000,000 CNY) of s from F, 1,000 km away; N, 100 km away,
    has 600,000 CNY spare: 60 units move to N, 40 stay with F.

    >>> import pandas as pd
    >>> from industrial_brain.network import firm_graph
    >>> firms = pd.DataFrame({"uscc": ["B", "F", "N"], "region_code": ["11", "65", "12"],
    ...                       "sector_code": ["t", "s", "s"]})
    >>> edges = pd.DataFrame({"seller": ["F"], "buyer": ["B"], "amount": [1e6]})
    >>> km = pd.DataFrame([[0, 1000, 100], [1000, 0, 1000], [100, 1000, 0]],
    ...                   index=["11", "65", "12"], columns=["11", "65", "12"])
    >>> r = match_suppliers(firm_graph(firms, edges), "11", km, capacity={"N": 6e5})
    >>> r.matches[["buyer", "supplier", "amount", "km_saved"]].values.tolist()
    [['B', 'N', 600000.0, 540000000.0]]
    """
    g = graph
    region = str(region)
    if far_km < 0 or unit <= 0:
        raise InputError.at(
            "far_km ≥ 0 and unit > 0 are needed",
            column="far_km",
            value=(far_km, unit),
        )
    reg, sec = g.region_and_sector(region)
    D = region_distances(distance, np.r_[np.unique(reg), [region]])
    to_here = D[region].reindex(pd.Index(reg)).to_numpy()  # km from each firm's region to the buyers'
    q = _capacities(g, capacity, spare_share)
    km_e = to_here[g.seller]
    in_year, flow_year = g.year_mask(year)
    far = (reg[g.buyer] == region) & (km_e > far_km) & in_year
    demand = (
        pd.DataFrame(
            {
                "buyer": g.buyer[far],
                "input_sector": sec[g.seller[far]],
                "amount": g.amount[far],
                "akm": g.amount[far] * km_e[far],
            }
        )
        .groupby(["buyer", "input_sector"], sort=True)[["amount", "akm"]]
        .sum()
    )
    demand["current_km"] = demand["akm"] / demand["amount"]
    demand = demand.drop(columns="akm")
    notes = list(g.notes)
    units = np.floor(demand["amount"].to_numpy() / unit + 0.5).astype(np.int64)
    flows = _solve(demand, units, sec, reg, q, to_here, far_km, unit)
    rows = []
    matched = pd.Series(0.0, index=demand.index)
    for (j, s, k), f in flows:
        cur = float(demand.loc[(j, s), "current_km"])
        bought = float(demand.loc[(j, s), "amount"])
        amt = f * unit
        matched[(j, s)] += amt
        saved = amt * (cur - to_here[k])
        rows.append(
            (
                g.uscc[j],
                s,
                g.uscc[k],
                reg[k],
                amt,
                cur,
                to_here[k],
                saved,
                q[k],
                f"{g.uscc[j]} buys {fmt_cny(bought)} of {s} from {cur:,.0f} km away; {g.uscc[k]} in "
                f"{reg[k]} is {to_here[k]:,.0f} km away with {fmt_cny(q[k])} spare capacity: "
                f"{fmt_cny(amt)} moved, saving {saved:,.0f} CNY·km",
                f"{g.uscc[j]}从{cur:,.0f}公里外采购{s}{fmt_cny(bought, 'zh')}；{reg[k]}的{g.uscc[k]}距离"
                f"{to_here[k]:,.0f}公里，富余产能{fmt_cny(q[k], 'zh')}：转移{fmt_cny(amt, 'zh')}，"
                f"节省{saved:,.0f}元·公里",
            )
        )
    matches = pd.DataFrame(
        rows,
        columns=[
            "buyer",
            "input_sector",
            "supplier",
            "supplier_region",
            "amount",
            "current_km",
            "new_km",
            "km_saved",
            "spare_capacity",
            "explanation_en",
            "explanation_zh",
        ],
    )
    matches = matches.sort_values("km_saved", ascending=False, kind="stable").reset_index(drop=True)
    demand_out = demand.copy()
    demand_out["matched"] = matched
    demand_out.index = pd.MultiIndex.from_arrays(
        [g.uscc[demand.index.get_level_values(0).to_numpy()], demand.index.get_level_values(1)],
        names=["buyer", "input_sector"],
    )
    before = float((demand["amount"] * demand["current_km"]).sum())
    after = before - float(matches["km_saved"].sum())
    if len(demand) and np.abs(units * unit - demand["amount"].to_numpy()).max() > 0:
        notes.append(f"amounts matched in whole units of {fmt_cny(unit)}; distances in whole km")
    return MatchingResult(
        matches=matches,
        demand=demand_out,
        cost_before=before,
        cost_after=after,
        region=region,
        notes=tuple(notes),
        lineage=Lineage.make(
            "network.match_suppliers",
            {
                **g.lineage_params(),
                "region": region,
                "far_km": far_km,
                "spare_share": spare_share,
                "capacity": "given" if capacity is not None else "spare_share × output",
                "unit": unit,
                "year": flow_year,
            },
        ),
    )
