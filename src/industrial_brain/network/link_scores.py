"""Link scores (产业链环节研判): each chain link — the firms of one sector in one region — scored on the
four aspects of Yuhang's chain assessment (余杭产业链研判): firm size (企业规模), clustering (集聚程度),
operations (运行情况) and innovation (创新能力).

Indicators (one per aspect, two for operations), all from the firm graph:

* **size** — the link's output X_g = Σ_{i∈g} x_i, scored on ln X_g (sizes are heavy-tailed);
* **clustering** — location quotient of output, LQ_rs = (X_rs / X_r) / (X_s / X) over all firms
  (:func:`industrial_brain.macro.location_quotient`);
* **operations** — sales growth (CAGR of the link's sales between the first and last year of the
  edges, when they carry two years or more) and supplier concentration (the link's supplier HHI,
  :func:`industrial_brain.network.hhi_concentration`; lower is better: a link fed by many suppliers
  runs more safely); the aspect score is the mean of the two scores available;
* **innovation** — Σ innovation / Σ output of the link's firms (patents, R&D … per CNY of output),
  when the firms table has an ``innovation`` column.

Normalisation: min–max over the links scored (the chain's links in every region, or those selected),
to 0–100 (size on the log scale), direction as above (OECD/JRC 2008, §5). An indicator that does not
vary over the links (or is missing) is left out and the weights of the others are rescaled; a link
missing one indicator (growth of a link with no sales in the first year) is scored on the others.
Weights: equal (¼ each) unless given. Score = Σ_a w_a score_a / Σ_a w_a over the aspects available.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from industrial_brain._shared.results import ResultMixin
from industrial_brain.errors import InputError
from industrial_brain.lineage import Lineage
from industrial_brain.macro.specialisation import location_quotient
from industrial_brain.network._common import FirmGraph, relabel, scaled
from industrial_brain.network.concentration import hhi_concentration

__all__ = ["ASPECTS", "LinkScoresResult", "chain_link_scores"]

ASPECTS = ("size", "clustering", "operations", "innovation")


@dataclass(frozen=True)
class LinkScoresResult(ResultMixin):
    """Scores of chain links (region × sector) on size, clustering, operations and innovation.

    Attributes
    ----------
    table : DataFrame
        Index (``region_code``, ``sector_code``): indicators ``firms``, ``output``, ``lq``, ``growth``,
        ``supplier_hhi``, ``innovation``; scores ``size_score``, ``clustering_score``,
        ``operations_score``, ``innovation_score`` and ``score`` (0–100), ``rank``.
    weights : Mapping[str, float]
        The weights used (after leaving out aspects without data).
    notes : tuple of str
    lineage : Lineage
    """

    table: pd.DataFrame
    weights: Mapping[str, float]
    notes: tuple[str, ...] = ()
    lineage: Lineage = field(default_factory=lambda: Lineage.make("network.chain_link_scores"))

    title_en = "Chain link scores"
    title_zh = "产业链环节研判得分"

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """One row per link, best first."""
        return relabel(self.table, lang)

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        yield ("环节数" if zh else "links", len(self.table))
        yield ("权重" if zh else "weights", ", ".join(f"{k} {v:.2f}" for k, v in self.weights.items()))
        for n in self.notes:
            yield ("说明" if zh else "note", n)


def _growth(graph: FirmGraph, link_codes: np.ndarray, n_links: int) -> np.ndarray:
    """CAGR of each link's sales between the first and last year of the edges (NaN if not defined)."""
    years = graph.years
    if len(years) < 2:
        return np.full(n_links, np.nan)
    first, last = years[0], years[-1]
    seller_link = link_codes[graph.seller]
    s0 = np.bincount(
        seller_link[graph.year == first], weights=graph.amount[graph.year == first], minlength=n_links
    )
    s1 = np.bincount(
        seller_link[graph.year == last], weights=graph.amount[graph.year == last], minlength=n_links
    )
    out = np.full(n_links, np.nan)
    ok = s0 > 0
    out[ok] = (s1[ok] / s0[ok]) ** (1.0 / (last - first)) - 1.0
    return out


def chain_link_scores(
    graph: FirmGraph,
    *,
    sectors: Sequence[Any] | None = None,
    regions: Sequence[Any] | None = None,
    weights: Mapping[str, float] | None = None,
) -> LinkScoresResult:
    """Score every chain link (region × sector) on size, clustering, operations and innovation.

    Parameters
    ----------
    graph : FirmGraph
    sectors, regions : sequences of codes, optional
        Score only these links (a chain's sectors, some regions); the location quotient is still computed
        over all firms, the min–max over the links scored.
    weights : mapping aspect → weight, optional
        Over :data:`ASPECTS`; equal by default.

    Returns
    -------
    LinkScoresResult

    Notes
    -----
    size_score = 100 · (ln X_g − min ln X) / (max ln X − min ln X); clustering_score the min–max of LQ;
    operations_score = mean of the min–max of growth and of (max HHI − HHI) / (max HHI − min HHI);
    innovation_score the min–max of Σ innovation / Σ output; score = Σ_a w_a score_a / Σ_a w_a.

    References
    ----------
    The four aspects are those of the chain assessment (产业链研判) practised in Yuhang district,
    Hangzhou: 企业规模、集聚程度、运行情况、创新能力. No published formula goes with them: the indicators,
    normalisation and default weights here are ours, documented above.
    OECD/JRC (2008). *Handbook on Constructing Composite Indicators*, §5–6 (min–max, weights).
    Isard, W. (1960). *Methods of Regional Analysis*, ch. 7 (location quotient).

    Examples
    --------
    Two regions with one sector each and one shared: region 11 holds all of sector s, so LQ(11, s) =
    (10/15) / (10/25) = 5/3.

    >>> import pandas as pd
    >>> from industrial_brain.network import firm_graph
    >>> firms = pd.DataFrame({"uscc": ["A", "B", "C", "D"], "region_code": ["11", "11", "31", "31"],
    ...                       "sector_code": ["s", "t", "t", "t"], "revenue": [10.0, 5.0, 5.0, 5.0]})
    >>> edges = pd.DataFrame({"seller": ["A", "A"], "buyer": ["B", "C"], "amount": [2.0, 1.0]})
    >>> r = chain_link_scores(firm_graph(firms, edges))
    >>> round(float(r.table.loc[("11", "s"), "lq"]), 4)
    1.6667
    """
    g = graph
    w = dict(zip(ASPECTS, (0.25,) * 4)) if weights is None else {str(k): float(v) for k, v in weights.items()}
    unknown = [k for k in w if k not in ASPECTS]
    if unknown:
        raise InputError.at(
            "unknown aspect", column="weights", value=unknown[0], expected=" | ".join(ASPECTS)
        )
    if any(v < 0 or not np.isfinite(v) for v in w.values()) or sum(w.values()) <= 0:
        raise InputError.at("weights must be ≥ 0 and not all 0", column="weights", value=w)
    mi = pd.MultiIndex.from_frame(g.firms[["region_code", "sector_code"]])
    link_codes, links = mi.factorize()
    link_codes = link_codes.astype(np.int64)
    L = len(links)
    index = pd.MultiIndex.from_tuples(list(links), names=["region_code", "sector_code"])
    x = g.output
    out = np.bincount(link_codes, weights=x, minlength=L)
    E = pd.Series(out, index=index).unstack("sector_code", fill_value=0.0)
    lq = location_quotient(E).LQ.stack().reindex(index).to_numpy()
    conc = hhi_concentration(g).links["supplier_hhi"].reindex(index).to_numpy()
    table = pd.DataFrame(
        {
            "firms": np.bincount(link_codes, minlength=L),
            "output": out,
            "lq": lq,
            "growth": _growth(g, link_codes, L),
            "supplier_hhi": conc,
        },
        index=index,
    )
    notes = list(g.notes)
    if "innovation" in g.firms.columns:
        inn = np.bincount(link_codes, weights=g.firms["innovation"].to_numpy(dtype=np.float64), minlength=L)
        table["innovation"] = np.divide(inn, out, out=np.full(L, np.nan), where=out > 0)
    else:
        table["innovation"] = np.nan
        notes.append("no innovation indicator in the firms table: innovation not scored")
    keep = np.ones(L, dtype=bool)
    if sectors is not None:
        keep &= index.get_level_values("sector_code").isin([str(s) for s in sectors])
    if regions is not None:
        keep &= index.get_level_values("region_code").isin([str(r) for r in regions])
    if not keep.any():
        raise InputError.at(
            "no firm in the links asked for",
            column="sectors",
            value=list(sectors or []),
            expected="sector and region codes of the firms table",
        )
    table = table.loc[keep].copy()
    ops = np.column_stack([scaled(table["growth"]), scaled(table["supplier_hhi"], "-")])
    with warnings.catch_warnings():  # a link with neither indicator: NaN, not a warning
        warnings.simplefilter("ignore", RuntimeWarning)
        ops_score = np.nanmean(ops, axis=1)
    scores = {
        "size": scaled(table["output"], log=True),
        "clustering": scaled(table["lq"]),
        "operations": ops_score,
        "innovation": scaled(table["innovation"]),
    }
    for a in ASPECTS:
        table[f"{a}_score"] = 100.0 * scores[a]
    used = {a: w.get(a, 0.0) for a in ASPECTS if w.get(a, 0.0) > 0 and np.isfinite(scores[a]).any()}
    for a in ASPECTS:
        if w.get(a, 0.0) > 0 and a not in used and not (a == "innovation" and "innovation" not in g.firms):
            notes.append(f"{a}: no indicator varies over these links; left out of the score")
    if not used:
        raise InputError.at(
            "no aspect can be scored on these links",
            column="weights",
            value=w,
            expected="links that differ in size, clustering, operations or innovation",
        )
    S = np.column_stack([table[f"{a}_score"].to_numpy() for a in used])
    W = np.array(list(used.values()))
    avail = np.isfinite(S)
    table["score"] = (np.where(avail, S, 0.0) @ W) / (avail @ W)
    table = table.sort_values("score", ascending=False, kind="stable")
    table["rank"] = np.arange(1, len(table) + 1)
    total = sum(used.values())
    return LinkScoresResult(
        table=table,
        weights={a: v / total for a, v in used.items()},
        notes=tuple(notes),
        lineage=Lineage.make(
            "network.chain_link_scores",
            {
                **g.lineage_params(),
                "weights": w,
                "sectors": list(map(str, sectors or [])),
                "regions": list(map(str, regions or [])),
            },
        ),
    )
