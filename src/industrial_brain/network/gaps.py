"""Chain gaps of a region (补链 / 强链 / 延链) and the firms elsewhere that could fill them (精准招商).

A target chain is given by its core sectors C (e.g. electronics). The national input–output structure
says which sectors it needs and feeds:

* **upstream links** — sectors s ∉ C with chain coefficient ā_s = Σ_{c∈C} a_sc X_c / Σ_{c∈C} X_c ≥
  ``threshold``, where a_sc are the national technical coefficients and X_c the region's output of the
  core sectors (its own product mix weights the recipe). The region's chain *needs*
  N_s = ā_s Σ_c X_c of s; its *local supply* is what the region's core firms buy from firms of s in the
  region; coverage κ_s = local supply / N_s.
* **downstream links** — sectors d ∉ C with chain allocation b̄_d = Σ_c b_cd X_c / Σ_c X_c ≥ ``threshold``,
  b_cd = a_cd x_d / x_c the national allocation coefficients (needs the national output x); expected
  local sales E_d = b̄_d Σ_c X_c, coverage = what the core firms sell to firms of d in the region / E_d.

A link with no firm of its sector in the region is **missing**, one with coverage below ``weak_bound``
**weak**, the rest **strong**. Actions: upstream missing → 补链 (fill the chain), upstream weak →
强链 (strengthen it), downstream missing or weak → 延链 (extend it).

For each gap, :func:`candidate_suppliers` ranks the firms of the gap's sector in other regions on four
reasons, each min–max scored over the candidates (0–1, higher is better) and averaged with weights
(equal by default): **size** (ln output), **reliability** (1 − coefficient of variation of its yearly
sales, purchases for a downstream gap; needs two years or more), **distance** (km between region
centroids, smaller is better) and **sector fit** (share of its sales that go to the chain's core
sectors, of its purchases that come from them for a downstream gap).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from industrial_brain._shared.results import ResultMixin
from industrial_brain.errors import InputError, MethodError
from industrial_brain.lineage import Lineage
from industrial_brain.network._common import FirmGraph, fmt_cny, region_distances, relabel, scaled

__all__ = ["REASONS", "ChainGapsResult", "candidate_suppliers", "chain_gaps"]

REASONS = ("size", "reliability", "distance", "sector_fit")
CANDIDATE_COLUMNS = (
    "position",
    "candidate",
    "region_code",
    "output",
    "reliability",
    "distance_km",
    "sector_fit",
    "score",
    "reasons_en",
    "reasons_zh",
)
_ACTIONS = {
    ("upstream", "missing"): "补链",
    ("upstream", "weak"): "强链",
    ("downstream", "missing"): "延链",
    ("downstream", "weak"): "延链",
}


@dataclass(frozen=True)
class ChainGapsResult(ResultMixin):
    """Links of a region's chain, their local coverage, and candidate firms for the gaps.

    Attributes
    ----------
    links : DataFrame
        Index (``position``, ``sector_code``), position ``core`` / ``upstream`` / ``downstream``:
        ``coefficient`` (ā_s or b̄_d), ``need`` (N_s or E_d, CNY), ``local_supply`` (CNY), ``coverage``,
        ``local_firms``, ``status`` (missing / weak / strong), ``action`` (补链 / 强链 / 延链 / "").
    candidates : DataFrame
        One row per candidate of a gap, best first within the gap: index (``sector_code``, ``rank``);
        ``position``, ``candidate`` (USCC), ``region_code``, ``output``, ``reliability``,
        ``distance_km``, ``sector_fit``, ``score`` (0–100), ``reasons_en``, ``reasons_zh``.
        Empty without ``distance``.
    region : str
    core_sectors : tuple of str
    notes : tuple of str
    lineage : Lineage
    """

    links: pd.DataFrame
    candidates: pd.DataFrame
    region: str
    core_sectors: tuple[str, ...]
    notes: tuple[str, ...] = ()
    lineage: Lineage = field(default_factory=lambda: Lineage.make("network.chain_gaps"))

    title_en = "Chain gaps and targets"
    title_zh = "产业链缺链弱链与招商目标"

    @property
    def gaps(self) -> pd.DataFrame:
        """The missing and weak links."""
        return self.links[self.links["status"].isin(["missing", "weak"])]

    def to_frame(self, lang: str = "en", level: str = "links") -> pd.DataFrame:
        """The links (``level="links"``) or the candidates (``"candidates"``, reasons in ``lang``)."""
        if level == "links":
            return relabel(self.links, lang)
        if level != "candidates":
            raise InputError.at("unknown level", column="level", value=level, expected="links | candidates")
        c = self.candidates.drop(columns=["reasons_zh" if lang == "en" else "reasons_en"])
        return relabel(c.rename(columns={"reasons_en": "reasons", "reasons_zh": "reasons"}), lang)

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        st = self.links["status"]
        yield ("地区" if zh else "region", self.region)
        yield ("核心部门" if zh else "core sectors", ", ".join(self.core_sectors))
        yield ("缺失环节" if zh else "missing links", int((st == "missing").sum()))
        yield ("薄弱环节" if zh else "weak links", int((st == "weak").sum()))
        yield ("候选企业" if zh else "candidate firms", len(self.candidates))
        for n in self.notes:
            yield ("说明" if zh else "note", n)


def _coefficients(A: Any, x: Any, core: list[str]) -> tuple[pd.DataFrame, pd.Series | None]:
    if not isinstance(A, pd.DataFrame):
        raise InputError.at(
            "A must be a labelled table",
            column="A",
            value=type(A).__name__,
            expected="a sectors × sectors DataFrame of technical coefficients",
        )
    A = A.copy()
    A.index, A.columns = A.index.astype(str), A.columns.astype(str)
    if not A.index.equals(A.columns):
        raise InputError.at(
            "A must have the same sectors as rows and columns", column="A", expected="a square table"
        )
    Am = A.to_numpy(dtype=np.float64)
    if not np.isfinite(Am).all() or (Am < 0).any():
        raise InputError.at(
            "A must be finite and ≥ 0", column="A", expected="technical coefficients a_ij ≥ 0"
        )
    missing = [c for c in core if c not in A.index]
    if missing:
        raise InputError.at(
            "core sector not in A",
            column="core_sectors",
            value=missing[0],
            expected="sector codes of the IO table",
        )
    if x is None:
        return A, None
    xs = pd.Series(x).astype(np.float64)
    xs.index = xs.index.astype(str)
    if not A.index.isin(xs.index).all() or not np.isfinite(xs.reindex(A.index)).all():
        raise InputError.at(
            "x must give the national output of every sector of A",
            column="x",
            expected="a Series indexed by sector code",
        )
    return A, xs.reindex(A.index)


def chain_gaps(
    graph: FirmGraph,
    region: Any,
    core_sectors: Sequence[Any],
    A: pd.DataFrame,
    *,
    x: Any = None,
    threshold: float = 0.02,
    weak_bound: float = 0.5,
    distance: pd.DataFrame | None = None,
    candidates: int = 5,
    weights: Mapping[str, float] | None = None,
    year: int | None = None,
) -> ChainGapsResult:
    """Weak and missing links of a region's chain against the national structure, with candidate firms.

    Parameters
    ----------
    graph : FirmGraph
        All regions' firms (candidates come from the other regions).
    region : code
        The region assessed.
    core_sectors : sequence of sector codes
        The target chain's core (e.g. electronics).
    A : DataFrame
        National technical coefficients a_ij (sector codes as index and columns, the firms' codes).
    x : Series, optional
        National gross output per sector; needed for the downstream links.
    threshold : float
        Links with ā_s (b̄_d) at least this (0.02).
    weak_bound : float
        Coverage below this is weak (0.5).
    distance : DataFrame, optional
        Region × region km, or region centroids (``lon``, ``lat``): ranks candidates for each gap.
    candidates : int
        Candidates kept per gap (5).
    weights : mapping reason → weight, optional
        Over :data:`REASONS`, equal by default.
    year : int, optional
        The year whose flows give the local supply (default the last year of the edges); the
        candidates' reliability uses every year.

    Returns
    -------
    ChainGapsResult

    Notes
    -----
    ā_s = Σ_c a_sc X_c / Σ_c X_c, N_s = ā_s Σ_c X_c, κ_s = local supply_s / N_s; b_cd = a_cd x_d / x_c,
    b̄_d = Σ_c b_cd X_c / Σ_c X_c (see the module docstring).

    References
    ----------
    Miller, R. E. & Blair, P. D. (2009). *Input–Output Analysis*, 2nd ed., §2.2 (technical coefficients),
    §12.1 (allocation coefficients). Flegg, A. T. & Webber, C. D. (1997). On the appropriate use of
    location quotients in generating regional input–output tables. *Regional Studies* 31(8), 795–805
    (national coefficients against local supply). 补链/强链/延链 are the terms of China's
    industrial-chain policy (fill, strengthen, extend the chain).

    Examples
    --------
    Core sector c needs 0.3 of s and 0.1 of t per unit (national A). Region 11 makes 100 of c and buys
    20 of s locally (coverage 20 / 30 = 2/3: weak below a bound of 0.8, 强链) and has no firm of t
    (missing, 补链). Gaps come first (coverage ascending).

    >>> import pandas as pd
    >>> from industrial_brain.network import firm_graph
    >>> A = pd.DataFrame([[0, 0, .3], [0, 0, .1], [0, 0, 0]], index=list("stc"), columns=list("stc"))
    >>> firms = pd.DataFrame({"uscc": ["C", "S", "T"], "region_code": ["11", "11", "31"],
    ...                       "sector_code": ["c", "s", "t"], "revenue": [100.0, 50.0, 50.0]})
    >>> edges = pd.DataFrame({"seller": ["S", "T"], "buyer": ["C", "C"], "amount": [20.0, 10.0]})
    >>> r = chain_gaps(firm_graph(firms, edges), "11", ["c"], A, weak_bound=0.8)
    >>> r.links.loc["upstream", ["coverage", "status", "action"]].round(4)
                 coverage   status action
    sector_code
    t              0.0000  missing     补链
    s              0.6667     weak     强链
    """
    g = graph
    region = str(region)
    core = [str(c) for c in core_sectors]
    if not core:
        raise InputError.at("no core sector", column="core_sectors", expected="the chain's sector codes")
    if not 0 < threshold < 1 or not 0 < weak_bound <= 1:
        raise InputError.at(
            "threshold and weak_bound must be shares",
            column="threshold",
            value=(threshold, weak_bound),
            expected="0 < threshold < 1, 0 < weak_bound ≤ 1",
        )
    A, xs = _coefficients(A, x, core)
    reg, sec = g.region_and_sector(region)
    here = reg == region
    out = g.output
    X_core = pd.Series({c: float(out[here & (sec == c)].sum()) for c in core})
    total = float(X_core.sum())
    if total <= 0:
        raise MethodError(
            f"region {region} has no output in the chain's core sectors ({', '.join(core)}): "
            "its chain has nothing to be supplied"
        )
    others = [s for s in A.index if s not in core]
    a_bar = (A.loc[others, core].to_numpy() @ X_core.to_numpy()) / total
    core_here = here & np.isin(sec, core)
    in_year, flow_year = g.year_mask(year)
    s_sec, b_sec = sec[g.seller], sec[g.buyer]
    s_here, b_here = here[g.seller] & in_year, here[g.buyer] & in_year
    buy_core, sell_core = core_here[g.buyer], core_here[g.seller]
    local_in = pd.Series(g.amount[buy_core & s_here]).groupby(s_sec[buy_core & s_here]).sum()
    local_out = pd.Series(g.amount[sell_core & b_here]).groupby(b_sec[sell_core & b_here]).sum()
    firms_here = pd.Series(sec[here]).value_counts()
    rows = [("core", c, np.nan, np.nan, X_core[c], np.nan, int(firms_here.get(c, 0))) for c in core]
    for s, a in zip(others, a_bar):
        if a >= threshold:
            need = a * total
            sup = float(local_in.get(s, 0.0))
            rows.append(("upstream", s, a, need, sup, sup / need, int(firms_here.get(s, 0))))
    notes = list(g.notes)
    if xs is not None:
        xv = xs.to_numpy()
        pos = {s: i for i, s in enumerate(A.index)}
        ci = [pos[c] for c in core]
        with np.errstate(divide="ignore", invalid="ignore"):
            B = A.to_numpy()[ci, :] * xv[None, :] / xv[ci, None]
        B = np.nan_to_num(B, nan=0.0, posinf=0.0)
        b_bar = pd.Series(X_core.to_numpy() @ B / total, index=A.index)
        for d in others:
            if b_bar[d] >= threshold:
                exp = b_bar[d] * total
                sold = float(local_out.get(d, 0.0))
                rows.append(("downstream", d, b_bar[d], exp, sold, sold / exp, int(firms_here.get(d, 0))))
    else:
        notes.append("no national output x: downstream links (延链) not assessed")
    links = pd.DataFrame(
        rows,
        columns=["position", "sector_code", "coefficient", "need", "local_supply", "coverage", "local_firms"],
    ).set_index(["position", "sector_code"])
    status = np.where(
        links["local_firms"] == 0, "missing", np.where(links["coverage"] < weak_bound, "weak", "strong")
    )
    status[links.index.get_level_values(0) == "core"] = "core"
    links["status"] = status
    links["action"] = [_ACTIONS.get((p, s), "") for (p, _), s in zip(links.index, status)]
    order = {"core": 0, "upstream": 1, "downstream": 2}
    links["_order"] = links.index.get_level_values(0).map(order)
    links = links.sort_values(["_order", "coverage"], kind="stable").drop(columns="_order")
    cands = []
    if distance is not None:
        for (p, s), row in links.iterrows():
            if row["status"] in ("missing", "weak"):
                cands.append(
                    candidate_suppliers(
                        g, region, s, core, distance, position=p, top=candidates, weights=weights
                    )
                )
    else:
        notes.append("no distance table: candidates not ranked")
    candidates_frame = pd.concat(cands) if cands else pd.DataFrame(columns=list(CANDIDATE_COLUMNS))
    return ChainGapsResult(
        links=links,
        candidates=candidates_frame,
        region=region,
        core_sectors=tuple(core),
        notes=tuple(notes),
        lineage=Lineage.make(
            "network.chain_gaps",
            {
                **g.lineage_params(),
                "region": region,
                "core_sectors": core,
                "threshold": threshold,
                "weak_bound": weak_bound,
                "year": flow_year,
                "candidates": candidates,
                "weights": dict(weights or {}),
            },
        ),
    )


def _yearly_cv(graph: FirmGraph, firm_pos: np.ndarray, side: str) -> np.ndarray:
    """Coefficient of variation (σ/μ, population σ) of each firm's yearly sales (or purchases)."""
    years = graph.years
    if len(years) < 2:
        return np.full(len(firm_pos), np.nan)
    ends = graph.seller if side == "sales" else graph.buyer
    mask = np.isin(ends, firm_pos)
    rows = np.searchsorted(firm_pos, ends[mask])  # firm_pos is sorted (np.flatnonzero)
    cols = np.searchsorted(np.array(years), graph.year[mask])
    M = np.zeros((len(firm_pos), len(years)))
    np.add.at(M, (rows, cols), graph.amount[mask])
    mean = M.mean(axis=1)
    cv = np.full(len(firm_pos), np.nan)
    np.divide(M.std(axis=1), mean, out=cv, where=mean > 0)
    return cv


def candidate_suppliers(
    graph: FirmGraph,
    region: Any,
    sector: Any,
    core_sectors: Sequence[Any],
    distance: pd.DataFrame,
    *,
    position: str = "upstream",
    top: int = 5,
    weights: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Firms of ``sector`` outside ``region`` ranked as candidates to fill a gap of its chain, with reasons.

    Parameters
    ----------
    graph : FirmGraph
    region : code
        The region with the gap.
    sector : code
        The gap's sector.
    core_sectors : sequence of codes
        The chain's core sectors (for the sector fit).
    distance : DataFrame
        Region × region km, or centroids (``lon``, ``lat``) indexed by region code.
    position : {"upstream", "downstream"}
        An upstream gap looks for suppliers of the core, a downstream one for buyers of its output.
    top : int
        Candidates kept (5).
    weights : mapping reason → weight, optional
        Over :data:`REASONS`; equal by default.

    Returns
    -------
    DataFrame
        Index (``sector_code``, ``rank``): ``position``, ``candidate``, ``region_code``, ``output``,
        ``reliability`` (1 − CV, clipped to [0, 1]), ``distance_km``, ``sector_fit``, ``score`` (0–100; NaN
        when the candidates differ on no reason, e.g. a lone candidate),
        ``reasons_en``, ``reasons_zh``.

    Notes
    -----
    score = 100 Σ_k w_k ŝ_k / Σ_k w_k over the reasons k available for the candidate, ŝ_k the min–max
    score over the candidates (ln output; reliability; −distance; sector fit).

    References
    ----------
    OECD/JRC (2008). *Handbook on Constructing Composite Indicators*, §5–6 (min–max, weights).
    """
    if position not in ("upstream", "downstream"):
        raise InputError.at(
            "unknown position", column="position", value=position, expected="upstream | downstream"
        )
    w = dict(zip(REASONS, (1.0,) * 4)) if weights is None else {str(k): float(v) for k, v in weights.items()}
    bad = [k for k in w if k not in REASONS]
    if bad:
        raise InputError.at("unknown reason", column="weights", value=bad[0], expected=" | ".join(REASONS))
    g = graph
    region, sector = str(region), str(sector)
    core = {str(c) for c in core_sectors}
    reg = g.firms["region_code"].to_numpy()
    sec = g.firms["sector_code"].to_numpy()
    pool = np.flatnonzero((sec == sector) & (reg != region))
    if not len(pool):
        return pd.DataFrame(
            columns=list(CANDIDATE_COLUMNS),
            index=pd.MultiIndex.from_arrays([[], []], names=["sector_code", "rank"]),
        )
    D = region_distances(distance, np.r_[reg[pool], [region]])
    km = D.loc[reg[pool], region].to_numpy()
    side = "sales" if position == "upstream" else "purchases"
    flow = g.sales if side == "sales" else g.purchases
    partner_core = np.isin(sec[g.buyer if side == "sales" else g.seller], list(core))
    ends = g.seller if side == "sales" else g.buyer
    to_core = np.bincount(ends[partner_core], weights=g.amount[partner_core], minlength=g.n)
    fit = np.divide(to_core[pool], flow[pool], out=np.full(len(pool), np.nan), where=flow[pool] > 0)
    cv = _yearly_cv(g, pool, side)
    reliability = np.clip(1.0 - cv, 0.0, 1.0)
    out = g.output[pool]
    parts = {
        "size": scaled(out, log=True),
        "reliability": scaled(reliability),
        "distance": scaled(km, "-"),
        "sector_fit": scaled(fit),
    }
    S = np.column_stack([parts[k] for k in REASONS])
    W = np.array([w.get(k, 0.0) for k in REASONS])
    avail = np.isfinite(S) & (W > 0)[None, :]
    denom = avail @ W
    score = np.full(len(pool), np.nan)
    np.divide(100.0 * (np.where(avail, S, 0.0) @ W), denom, out=score, where=denom > 0)
    order = np.lexsort((-out, -np.nan_to_num(score, nan=-1.0)))[: int(top)]
    pct = pd.Series(out).rank(pct=True, ascending=False).to_numpy()
    rows_en, rows_zh = [], []
    for i in order:
        en = [f"output {fmt_cny(out[i])} (top {pct[i]:.0%} of {len(pool)} firms of {sector} elsewhere)"]
        zh = [f"产出{fmt_cny(out[i], 'zh')}（外地{len(pool)}家{sector}企业中前{pct[i]:.0%}）"]
        if np.isfinite(cv[i]):
            en.append(f"{side} CV {cv[i]:.2f} over {len(g.years)} years")
            zh.append(f"{'销售' if side == 'sales' else '采购'}波动系数{cv[i]:.2f}（{len(g.years)}年）")
        en.append(f"{km[i]:,.0f} km from {region}")
        zh.append(f"距{region} {km[i]:,.0f}公里")
        if np.isfinite(fit[i]):
            en.append(
                f"{fit[i]:.0%} of its {side} {'go to' if side == 'sales' else 'come from'} the chain's core"
            )
            zh.append(f"{fit[i]:.0%}的{'销售面向' if side == 'sales' else '采购来自'}本链核心部门")
        rows_en.append("; ".join(en))
        rows_zh.append("；".join(zh))
    return pd.DataFrame(
        {
            "position": position,
            "candidate": g.uscc[pool[order]],
            "region_code": reg[pool[order]],
            "output": out[order],
            "reliability": reliability[order],
            "distance_km": km[order],
            "sector_fit": fit[order],
            "score": score[order],
            "reasons_en": rows_en,
            "reasons_zh": rows_zh,
        },
        index=pd.MultiIndex.from_arrays(
            [[sector] * len(order), np.arange(1, len(order) + 1)], names=["sector_code", "rank"]
        ),
    )
