"""Financing matchmaking (投融资对接): financing needs of firms assigned to financing sources (bank
credit products, government guidance funds, venture and private-equity funds, grant programmes)
under the sources' capacities, every match explained and every need left without a source given
its reason.

The seeds ask that projects and funds be matched on *nature, characteristics, duration and entity*
(性质、特点、期限、主体). Each axis is a documented score in [0, 1] of a need *i* and a source *j*:

* **nature** ``N_ij`` — the instrument must be the one the need wants (debt, equity or grant: a hard
  condition), and the fit of the need's *purpose* with the source's *kind* is read from
  :data:`PURPOSE_FIT` (working capital suits bank credit, R&D suits venture capital and grants, …);
* **characteristics** ``C_ij = (sector + stage + risk) / 3`` — sector 1 when the mandate names the
  need's sector, 0.7 when the mandate is sector-generalist (a sector outside the mandate is a hard
  refusal); stage 1 inside the mandate's stages, 0.5 one stage away, 0 further; risk
  ``1 − max(0, r_i − ρ_j) / 2`` (floored at 0) for the need's risk grade r (1 low … 5 high) and
  the source's appetite ρ;
* **duration** ``D_ij = 1 − |t_i − m_j| / (2 h_j)`` for term t inside the mandate's term range
  ``[m_j − h_j, m_j + h_j]`` (a term outside it is a hard refusal; 1 at the midpoint, ½ at the ends);
* **entity** ``E_ij`` — 1 when the mandate prefers the firm's size class (or prefers none), 0.5 otherwise.

The score is ``s_ij = w_N N + w_C C + w_D D + w_E E`` (weights :data:`WEIGHTS`, ¼ each). Hard
conditions besides instrument and sector: the region (mandate provinces, or national), the ticket
(``ticket_min ≤ amount ≤ ticket_max``), the term, collateral (``collateral ≥ collateral_ratio ×
amount`` for a source that asks for it) and the source's whole capacity.

The assignment (a generalised assignment problem, GAP): a need is financed whole by one source or
not at all; choose binaries ``y_ij`` over the compatible pairs to

.. math::

    \\max \\sum_{ij} a_i s_{ij} y_{ij} \\quad\\text{s.t.}\\quad \\sum_j y_{ij} \\le 1,\\;
    \\sum_i a_i y_{ij} \\le K_j,\\; y_{ij} \\in \\{0, 1\\}

(``a_i`` amount, ``K_j`` capacity): the money placed, weighted by how well it fits. Up to
``exact_limit`` candidate pairs this mixed-integer programme is solved exactly with HiGHS
(:func:`scipy.optimize.milp`). Above it, the LP relaxation is solved with HiGHS
(:func:`scipy.optimize.linprog`); an extreme-point optimum of the GAP relaxation splits at most as
many needs as there are sources (Benders & van Nunen 1983), so the needs it assigns whole are kept
except on the sources the split needs draw on, whose needs are re-solved exactly as a small MILP
(``repair_limit`` pairs; above it only the split needs, on the capacity left), and a last greedy
pass places what still fits. The LP optimum is an upper bound: the result reports it and the gap.

References
----------
Benders, J. F., van Nunen, J. A. E. E. (1983), "A property of assignment type mixed integer linear
programming problems", *Operations Research Letters* 2(2), 47–52. Martello, S., Toth, P. (1990),
*Knapsack Problems*, Wiley, ch. 7 (the generalised assignment problem). Huangfu, Q., Hall, J. A. J.
(2018), "Parallelizing the dual revised simplex method", *Math. Prog. Comp.* 10, 119–142 (HiGHS).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from industrial_brain._shared.i18n import check_lang, label
from industrial_brain._shared.results import ResultMixin
from industrial_brain.errors import InputError, MethodError
from industrial_brain.lineage import Lineage

INSTRUMENTS = ("debt", "equity", "grant")
SOURCE_KINDS = ("bank", "guidance_fund", "vc", "pe", "grant_programme")
PURPOSES = ("working_capital", "capex", "rd", "expansion", "acquisition", "other")
#: Growth stages, in order (a stage "one away" is the neighbour in this order).
STAGES = ("seed", "early", "growth", "mature")
SIZE_CLASSES = ("large", "medium", "small", "micro")
#: Fit of a need's purpose with a source's kind (the nature axis beyond the instrument).
PURPOSE_FIT: dict[str, dict[str, float]] = {
    "working_capital": {"bank": 1.0, "guidance_fund": 0.3, "vc": 0.3, "pe": 0.4, "grant_programme": 0.2},
    "capex": {"bank": 1.0, "guidance_fund": 0.7, "vc": 0.4, "pe": 0.8, "grant_programme": 0.5},
    "rd": {"bank": 0.4, "guidance_fund": 0.9, "vc": 1.0, "pe": 0.6, "grant_programme": 1.0},
    "expansion": {"bank": 0.7, "guidance_fund": 0.8, "vc": 0.8, "pe": 1.0, "grant_programme": 0.4},
    "acquisition": {"bank": 0.6, "guidance_fund": 0.5, "vc": 0.3, "pe": 1.0, "grant_programme": 0.1},
    "other": {"bank": 0.5, "guidance_fund": 0.5, "vc": 0.5, "pe": 0.5, "grant_programme": 0.5},
}
#: Weights of the four axes (nature, characteristics, duration, entity).
WEIGHTS = {"nature": 0.25, "characteristics": 0.25, "duration": 0.25, "entity": 0.25}
#: Sector score of a sector-generalist mandate (a mandate naming the sector scores 1).
GENERALIST = 0.7
METHODS = ("auto", "exact", "lp")
#: The hard conditions, in the order a need's candidates are narrowed (the reason of an unmet need
#: is the first that leaves none); ``capacity`` after the solve: compatible, but capacity went elsewhere.
REASONS = ("instrument", "sector", "region", "ticket", "term", "collateral", "size", "capacity")

NEED_COLUMNS = (
    "need_id", "uscc", "region_code", "sector_code", "amount", "term_months", "instrument",
    "purpose", "stage", "risk_grade", "collateral", "size_class",
)  # fmt: skip
SOURCE_COLUMNS = (
    "source_id", "kind", "instrument", "capacity", "ticket_min", "ticket_max", "term_min_months",
    "term_max_months", "sectors", "regions", "stages", "sizes", "risk_appetite", "collateral_ratio",
)  # fmt: skip
_EPS = 1e-7


def _split(col: pd.Series) -> pd.Series:
    """A list column from ``a;b`` text (blank: ``['*']``, any)."""
    s = col.fillna("").astype(str).str.replace(" ", "", regex=False)
    lists = s.str.split(";")
    return lists.map(lambda xs: [x for x in xs if x] or ["*"])


def _require(frame: pd.DataFrame, cols, what: str) -> None:
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise InputError.at(
            f"parameter '{what}': missing column", column=missing[0], expected=", ".join(cols)
        )


@dataclass(frozen=True)
class Candidates:
    """The compatible (need, source) pairs and why each need without one has none.

    ``pairs`` has ``i, j`` (positions in the needs and sources frames), the score parts and ``score``;
    ``counts`` (needs × :data:`REASONS` up to ``size``) how many sources are left after each condition.
    """

    pairs: pd.DataFrame
    counts: np.ndarray
    considered: int


def _province(codes: pd.Series) -> pd.Series:
    return codes.astype(str).str[:2]


def candidate_pairs(
    needs: pd.DataFrame, sources: pd.DataFrame, *, weights: dict | None = None, top_k: int | None = 8
) -> Candidates:
    """The compatible pairs of ``needs`` and ``sources`` with their score parts (module docstring),
    keeping each need's ``top_k`` best-scoring sources (None: all).

    The pairs are found by joins on (instrument, sector, province) with a mandate's blank sector or
    region list standing for any, never by comparing every need with every source.
    """
    _require(needs, NEED_COLUMNS, "needs")
    _require(sources, SOURCE_COLUMNS, "sources")
    w = {**WEIGHTS, **(weights or {})}
    n, m = len(needs), len(sources)
    instr_codes = {v: k for k, v in enumerate(INSTRUMENTS)}
    n_instr = needs["instrument"].map(instr_codes).to_numpy()
    s_instr = sources["instrument"].map(instr_codes).to_numpy()
    n_sector = needs["sector_code"].astype(str).to_numpy()
    n_prov = _province(needs["region_code"]).to_numpy()

    ex = pd.DataFrame({"j": np.arange(m), "instr": s_instr, "sector": _split(sources["sectors"])})
    ex = ex.explode("sector")
    ex = ex.assign(region=ex["j"].map(pd.Series(_split(sources["regions"]).to_numpy())))
    ex = ex.explode("region")
    ex["region"] = ex["region"].astype(str).str[:2].where(ex["region"] != "*", "*")
    ex = ex.drop_duplicates(["j", "sector", "region"])
    N = pd.DataFrame({"i": np.arange(n), "instr": n_instr, "sector": n_sector, "region": n_prov})

    # counts of sources left after instrument and after sector (before the pair join)
    counts = np.zeros((n, 7), dtype=np.int64)
    per_instr = np.bincount(s_instr, minlength=len(INSTRUMENTS))
    counts[:, 0] = per_instr[n_instr]
    sec = ex[["j", "instr", "sector"]].drop_duplicates()
    any_sec = sec[sec["sector"] == "*"].groupby("instr")["j"].nunique()
    named = sec[sec["sector"] != "*"].groupby(["instr", "sector"])["j"].nunique()
    key = pd.MultiIndex.from_arrays([n_instr, n_sector])
    counts[:, 1] = named.reindex(key).fillna(0).to_numpy() + any_sec.reindex(n_instr).fillna(0).to_numpy()

    parts = []
    for s_any, r_any in ((False, False), (False, True), (True, False), (True, True)):
        sub = ex[((ex["sector"] == "*") == s_any) & ((ex["region"] == "*") == r_any)]
        if sub.empty:
            continue
        on = ["instr"] + ([] if s_any else ["sector"]) + ([] if r_any else ["region"])
        got = N[["i", *on]].merge(sub[["j", *on]], on=on, how="inner")[["i", "j"]]
        got["sector_named"] = not s_any
        got["region_named"] = not r_any
        parts.append(got)
    P = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["i", "j"])
    P = P.drop_duplicates(["i", "j"])
    i = P["i"].to_numpy(dtype=np.int64)
    j = P["j"].to_numpy(dtype=np.int64)
    counts[:, 2] = np.bincount(i, minlength=n)
    considered = len(P)

    amount = needs["amount"].to_numpy(dtype=float)
    term = needs["term_months"].to_numpy(dtype=float)
    coll = needs["collateral"].fillna(0).to_numpy(dtype=float)
    a, t = amount[i], term[i]
    keep = (a >= sources["ticket_min"].to_numpy(float)[j]) & (a <= sources["ticket_max"].to_numpy(float)[j])
    counts[:, 3] = np.bincount(i[keep], minlength=n)
    tmin = sources["term_min_months"].to_numpy(float)
    tmax = sources["term_max_months"].to_numpy(float)
    keep &= (t >= tmin[j]) & (t <= tmax[j])
    counts[:, 4] = np.bincount(i[keep], minlength=n)
    ratio = sources["collateral_ratio"].fillna(0).to_numpy(float)
    keep &= coll[i] >= ratio[j] * a - 1e-9
    counts[:, 5] = np.bincount(i[keep], minlength=n)
    keep &= a <= sources["capacity"].to_numpy(float)[j]
    counts[:, 6] = np.bincount(i[keep], minlength=n)
    P = P[keep].reset_index(drop=True)
    i, j = i[keep], j[keep]
    a, t = amount[i], term[i]

    kind = sources["kind"].to_numpy(dtype=object)
    fit = pd.DataFrame(PURPOSE_FIT).T  # purpose × kind
    pr = needs["purpose"].map({p: k for k, p in enumerate(fit.index)}).to_numpy()[i]
    kd = pd.Series(kind[j]).map({c: k for k, c in enumerate(fit.columns)}).to_numpy()
    nature = fit.to_numpy()[pr, kd]
    sector = np.where(P["sector_named"].to_numpy(bool), 1.0, GENERALIST)
    st_code = {s: k for k, s in enumerate(STAGES)}
    n_stage = needs["stage"].map(st_code).to_numpy()[i]
    s_stages = _split(sources["stages"])
    stage_mask = np.array(
        [[("*" in xs) or (s in xs) for s in STAGES] for xs in s_stages], dtype=bool
    ).reshape(m, len(STAGES))
    # distance from the need's stage to the nearest stage of the mandate
    dist = np.full((m, len(STAGES)), 9)
    for k in range(len(STAGES)):
        for q in range(len(STAGES)):
            dist[:, k] = np.where(stage_mask[:, q], np.minimum(dist[:, k], abs(k - q)), dist[:, k])
    d = dist[j, n_stage]
    stage = np.select([d == 0, d == 1], [1.0, 0.5], 0.0)
    risk_gap = needs["risk_grade"].to_numpy(float)[i] - sources["risk_appetite"].to_numpy(float)[j]
    risk = np.clip(1 - np.maximum(risk_gap, 0) / 2, 0, 1)
    characteristics = (sector + stage + risk) / 3
    mid, half = (tmin[j] + tmax[j]) / 2, (tmax[j] - tmin[j]) / 2
    duration = np.where(half > 0, 1 - np.abs(t - mid) / np.where(half > 0, 2 * half, 1), 1.0)
    s_sizes = _split(sources["sizes"])
    sz_code = {s: k for k, s in enumerate(SIZE_CLASSES)}
    size_mask = np.array([[("*" in xs) or (s in xs) for s in SIZE_CLASSES] for xs in s_sizes], dtype=bool)
    size_mask = size_mask.reshape(m, len(SIZE_CLASSES))
    entity = np.where(size_mask[j, needs["size_class"].map(sz_code).to_numpy()[i]], 1.0, 0.5)
    score = (
        w["nature"] * nature
        + w["characteristics"] * characteristics
        + w["duration"] * duration
        + w["entity"] * entity
    )
    P = P.assign(
        nature=nature,
        sector_fit=sector,
        stage_fit=stage,
        risk_fit=risk,
        characteristics=characteristics,
        duration=duration,
        entity=entity,
        score=score,
    )
    if top_k is not None and len(P):
        order = np.lexsort((j, -score, i))
        P = P.iloc[order]
        rank = P.groupby("i").cumcount().to_numpy()
        P = P[rank < top_k].reset_index(drop=True)
    return Candidates(P, counts, considered)


def _lp_matrix(i: np.ndarray, j: np.ndarray, a: np.ndarray, n: int, m: int) -> sparse.csr_array:
    p = len(i)
    rows = np.concatenate([i, n + j])
    cols = np.concatenate([np.arange(p), np.arange(p)])
    vals = np.concatenate([np.ones(p), a[i]])
    return sparse.csr_array((vals, (rows, cols)), shape=(n + m, p))


@dataclass(frozen=True)
class Assignment:
    """What a solver call returned: chosen pair positions, objective, bound, status, seconds."""

    chosen: np.ndarray
    objective: float
    bound: float
    method: str
    solve_seconds: float
    notes: tuple[str, ...] = ()


def _milp(c: np.ndarray, A, b: np.ndarray, time_limit: float | None = None):
    opts = {"disp": False}
    if time_limit is not None:
        opts["time_limit"] = time_limit
    return milp(
        c,
        constraints=LinearConstraint(A, -np.inf, b),
        integrality=np.ones(len(c)),
        bounds=Bounds(0, 1),
        options=opts,
    )


def solve_assignment(
    i: np.ndarray,
    j: np.ndarray,
    weight: np.ndarray,
    amount: np.ndarray,
    capacity: np.ndarray,
    *,
    method: str = "auto",
    exact_limit: int = 2_000,
    time_limit: float = 60.0,
    repair_limit: int = 5_000,
) -> Assignment:
    """Choose pairs ``(i[k], j[k])`` maximising ``Σ weight`` with each need once and
    ``Σ amount_i ≤ capacity_j`` (module docstring: exact MILP, or LP relaxation and repair).

    Examples
    --------
    Two needs of 60 and 50 and one source of capacity 100: only one fits, the heavier weight wins.

    >>> r = solve_assignment(np.array([0, 1]), np.array([0, 0]), np.array([0.6, 0.5]),
    ...                      np.array([60.0, 50.0]), np.array([100.0]))
    >>> r.chosen.tolist(), round(r.objective, 6)
    ([0], 0.6)
    """
    if method not in METHODS:
        raise InputError.at("parameter 'method': unknown", value=method, expected=" | ".join(METHODS))
    n, m = len(amount), len(capacity)
    p = len(i)
    if p == 0:
        return Assignment(np.zeros(0, dtype=np.int64), 0.0, 0.0, "none", 0.0)
    scale = max(float(np.max(amount)), 1.0)
    a = amount / scale
    K = capacity / scale
    A = _lp_matrix(i, j, a, n, m)
    b = np.concatenate([np.ones(n), K])
    c = -weight
    t0 = time.perf_counter()
    exact = method == "exact" or (method == "auto" and p <= exact_limit)
    if exact:
        r = _milp(c, A, b, time_limit)
        if r.x is None:
            raise MethodError(f"the assignment MILP found no solution: {r.message}")
        chosen = np.flatnonzero(r.x > 0.5)
        bound = -float(getattr(r, "mip_dual_bound", r.fun) or r.fun)
        return Assignment(
            chosen, float(weight[chosen].sum()), max(bound, float(weight[chosen].sum())), "milp",
            time.perf_counter() - t0,
        )  # fmt: skip
    r = linprog(c, A_ub=A, b_ub=b, bounds=(0, 1), method="highs")
    if r.status != 0:
        raise MethodError(f"the assignment LP failed: {r.message}")
    x = r.x
    bound = -float(r.fun)
    whole = x > 1 - _EPS
    split = (x > _EPS) & ~whole
    # the sources that split needs draw on are freed: every need with LP flow into them (whole or
    # split) is re-solved exactly on their capacity; elsewhere the LP's whole assignments stand
    freed = np.zeros(m, dtype=bool)
    freed[j[split]] = True
    touched = np.zeros(n, dtype=bool)
    touched[i[split]] = True
    touched[i[(x > _EPS) & freed[j]]] = True
    sel = np.flatnonzero(touched[i] & (freed[j] | split))
    notes = []
    if len(sel) > repair_limit:  # too many to re-solve exactly: only the split needs
        freed[:] = False
        touched[:] = False
        touched[i[split]] = True
        sel = np.flatnonzero(touched[i] & ~whole)
    keep = whole & ~touched[i]
    chosen = list(np.flatnonzero(keep))
    used_need = np.zeros(n, dtype=bool)
    used_need[i[keep]] = True
    left = K - np.bincount(j[keep], weights=a[i[keep]], minlength=m)
    sel = sel[~used_need[i[sel]]]
    if len(sel):
        ii, jj = i[sel], j[sel]
        ni = np.unique(ii)
        pos = np.searchsorted(ni, ii)
        rows = np.concatenate([pos, len(ni) + jj])
        cols = np.concatenate([np.arange(len(sel)), np.arange(len(sel))])
        vals = np.concatenate([np.ones(len(sel)), a[ii]])
        A2 = sparse.csr_array((vals, (rows, cols)), shape=(len(ni) + m, len(sel)))
        b2 = np.concatenate([np.ones(len(ni)), np.maximum(left, 0)])
        r2 = _milp(-weight[sel], A2, b2, min(time_limit, 10.0))
        if r2.x is not None:
            got = sel[r2.x > 0.5]
            chosen += list(got)
            used_need[i[got]] = True
            left -= np.bincount(j[got], weights=a[i[got]], minlength=m)
        notes.append(f"{len(ni):,} needs around the LP's split ones re-solved exactly")
    # greedy pass: what still fits, heaviest weight first
    rest = np.flatnonzero(~used_need[i])
    rest = rest[np.argsort(-weight[rest], kind="stable")]
    added = 0
    for k in rest:
        if not used_need[i[k]] and left[j[k]] >= a[i[k]] - 1e-12:
            used_need[i[k]] = True
            left[j[k]] -= a[i[k]]
            chosen.append(k)
            added += 1
    if added:
        notes.append(f"{added:,} needs placed by the greedy pass on the capacity left")
    chosen = np.sort(np.asarray(chosen, dtype=np.int64))
    return Assignment(
        chosen, float(weight[chosen].sum()), bound, "lp+repair", time.perf_counter() - t0, tuple(notes)
    )


def _reason_text(code: str, need: dict, n_left: int) -> str:
    instr, sector, prov = need["instrument"], need["sector_code"], str(need["region_code"])[:2] + "0000"
    return {
        "instrument": f"no source offers {instr}",
        "sector": f"no {instr} source covers sector {sector}",
        "region": f"no {instr} source for sector {sector} lends or invests in region {prov}",
        "ticket": f"amount {need['amount']:,.0f} CNY outside the ticket range of every source in reach",
        "term": f"term of {need['term_months']:g} months outside the term range of every source in reach",
        "collateral": "collateral short of what every source in reach asks",
        "size": "amount larger than the whole capacity of every source in reach",
        "capacity": f"{n_left} compatible source(s), their capacity committed to better-fitting needs",
    }[code]


@dataclass(frozen=True)
class MatchingResult(ResultMixin):
    """Needs matched to sources under capacities (:func:`match_financing`).

    Attributes
    ----------
    matches : DataFrame
        One row per match: ``need_id, source_id, uscc, amount`` (CNY), the fit flags
        ``instrument, sector_match (named|generalist), region_match (named|national), ticket``
        and the score parts ``nature, sector_fit, stage_fit, risk_fit, characteristics, duration,
        entity, score``, and ``why`` (one line).
    unmatched : DataFrame
        Every need without a match: ``need_id, uscc, amount, region_code, sector_code, instrument,
        reason`` (:data:`REASONS`), ``detail`` and ``compatible`` (sources passing every condition).
    sources : DataFrame
        Per source: ``source_id, capacity, committed, utilisation, matches``.
    objective, bound, gap : float
        ``Σ a_i s_ij`` of the chosen matches (amounts in units of the largest need), the solver's
        upper bound, and ``(bound − objective) / bound``.
    method : str
        ``milp`` (exact) or ``lp+repair``; ``timings`` seconds per step.
    """

    matches: pd.DataFrame
    unmatched: pd.DataFrame
    sources: pd.DataFrame
    objective: float
    bound: float
    gap: float
    method: str
    candidates: int
    timings: dict = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    lineage: Lineage = field(default_factory=lambda: Lineage("capital.match_financing"))

    title_en = "Financing matchmaking (needs × sources under capacities)"
    title_zh = "投融资对接（融资需求×资金供给，容量约束）"

    @property
    def met_amount(self) -> float:
        return float(self.matches["amount"].sum())

    def _summary_items(self, lang: str = "en"):
        n = len(self.matches) + len(self.unmatched)
        yield (label("needs", lang), n)
        yield (label("matched", lang), len(self.matches))
        yield (label("unmatched", lang), len(self.unmatched))
        yield (label("amount matched (CNY)", lang), self.met_amount)
        yield (label("method", lang), self.method)
        yield (label("optimality gap", lang), self.gap)

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        check_lang(lang)
        f = self.matches.copy()
        if lang == "zh":
            f = f.rename(columns={c: label(c, "zh") for c in f.columns})
        return f


def _why(M: pd.DataFrame) -> pd.Series:
    def num(x: pd.Series) -> pd.Series:
        return x.map("{:.2f}".format)

    return (
        M["instrument"] + " for " + M["purpose"] + " from a " + M["kind"] + " (nature " + num(M["nature"])
        + "); sector " + M["sector_match"] + " (" + num(M["sector_fit"]) + "), stage " + num(M["stage_fit"])
        + ", risk " + num(M["risk_fit"]) + "; region " + M["region_match"] + "; ticket "
        + M["ticket"] + "; term " + M["term_months"].map("{:g}".format) + " months (duration "
        + num(M["duration"]) + "); size " + M["size_class"] + " (entity " + num(M["entity"])
        + "); score " + num(M["score"])
    )  # fmt: skip


def match_financing(
    needs: pd.DataFrame,
    sources: pd.DataFrame,
    *,
    weights: dict | None = None,
    top_k: int | None = 8,
    method: str = "auto",
    exact_limit: int = 2_000,
    explain: bool = True,
) -> MatchingResult:
    """Assign financing needs to sources under capacities (module docstring: scores, model, solver).

    Parameters
    ----------
    needs : DataFrame
        Columns :data:`NEED_COLUMNS`: amount (CNY), term in months, instrument (debt | equity |
        grant), purpose (:data:`PURPOSES`), stage (:data:`STAGES`), risk grade 1–5, collateral (CNY,
        blank 0), size class.
    sources : DataFrame
        Columns :data:`SOURCE_COLUMNS`: kind (:data:`SOURCE_KINDS`), capacity, ticket min and max
        (CNY), term range (months), ``sectors`` / ``regions`` / ``stages`` / ``sizes`` as ``a;b``
        lists (blank: any; regions are provinces), risk appetite 1–5, collateral ratio.
    top_k : int or None
        Sources kept per need, best score first (None: all compatible ones).
    method : str
        ``auto`` (exact up to ``exact_limit`` pairs), ``exact`` or ``lp``.

    Examples
    --------
    >>> needs = pd.DataFrame({"need_id": ["n1", "n2"], "uscc": ["A", "B"], "region_code": ["320500"] * 2,
    ...     "sector_code": ["26", "26"], "amount": [60e6, 50e6], "term_months": [36, 36],
    ...     "instrument": ["debt", "debt"], "purpose": ["capex", "working_capital"],
    ...     "stage": ["growth"] * 2, "risk_grade": [2, 2], "collateral": [60e6, 50e6],
    ...     "size_class": ["small"] * 2})
    >>> sources = pd.DataFrame({"source_id": ["bank1"], "kind": ["bank"], "instrument": ["debt"],
    ...     "capacity": [100e6], "ticket_min": [1e6], "ticket_max": [80e6], "term_min_months": [12],
    ...     "term_max_months": [60], "sectors": [""], "regions": ["32"], "stages": [""], "sizes": [""],
    ...     "risk_appetite": [3], "collateral_ratio": [0.5]})
    >>> r = match_financing(needs, sources)
    >>> r.matches["need_id"].tolist(), r.unmatched["reason"].tolist()
    (['n1'], ['capacity'])
    """
    check = {"needs": needs, "sources": sources}
    for what, f in check.items():
        _require(f, NEED_COLUMNS if what == "needs" else SOURCE_COLUMNS, what)
    t0 = time.perf_counter()
    C = candidate_pairs(needs, sources, weights=weights, top_k=top_k)
    t1 = time.perf_counter()
    P = C.pairs
    i = P["i"].to_numpy(dtype=np.int64)
    j = P["j"].to_numpy(dtype=np.int64)
    amount = needs["amount"].to_numpy(dtype=float)
    capacity = sources["capacity"].to_numpy(dtype=float)
    scale = max(float(amount.max()) if len(amount) else 1.0, 1.0)
    weight = amount[i] / scale * P["score"].to_numpy(float)
    A = solve_assignment(i, j, weight, amount, capacity, method=method, exact_limit=exact_limit)
    t2 = time.perf_counter()
    M = P.iloc[A.chosen].reset_index(drop=True)
    Ni = needs.iloc[M["i"].to_numpy()].reset_index(drop=True)
    Sj = sources.iloc[M["j"].to_numpy()].reset_index(drop=True)
    matches = pd.DataFrame(
        {
            "need_id": Ni["need_id"].to_numpy(),
            "source_id": Sj["source_id"].to_numpy(),
            "uscc": Ni["uscc"].to_numpy(),
            "region_code": Ni["region_code"].astype(str).to_numpy(),
            "sector_code": Ni["sector_code"].astype(str).to_numpy(),
            "amount": Ni["amount"].to_numpy(float),
            "instrument": Ni["instrument"].to_numpy(),
            "kind": Sj["kind"].to_numpy(),
            "sector_match": np.where(M["sector_named"].to_numpy(bool), "named", "generalist"),
            "region_match": np.where(M["region_named"].to_numpy(bool), "named", "national"),
            "ticket": (
                Sj["ticket_min"].map("{:,.0f}".format).astype(object)
                + "–"
                + Sj["ticket_max"].map("{:,.0f}".format).astype(object)
            ).to_numpy(),
        }
    )
    for c in (
        "nature",
        "sector_fit",
        "stage_fit",
        "risk_fit",
        "characteristics",
        "duration",
        "entity",
        "score",
    ):
        matches[c] = M[c].to_numpy(float)
    if explain and len(matches):
        tmp = matches.assign(
            purpose=Ni["purpose"].to_numpy(),
            term_months=Ni["term_months"].to_numpy(float),
            size_class=Ni["size_class"].to_numpy(),
        )
        matches["why"] = _why(tmp).to_numpy()
    # unmet needs with their reason
    met = np.zeros(len(needs), dtype=bool)
    met[M["i"].to_numpy()] = True
    counts = C.counts
    un = np.flatnonzero(~met)
    codes = np.full(len(un), "capacity", dtype=object)
    first_zero = np.argmax(counts[un] == 0, axis=1)
    has_zero = (counts[un] == 0).any(axis=1)
    codes[has_zero] = np.asarray(REASONS[:7], dtype=object)[first_zero[has_zero]]
    U = needs.iloc[un][["need_id", "uscc", "amount", "region_code", "sector_code", "instrument"]]
    U = U.reset_index(drop=True).assign(reason=codes, compatible=counts[un, 6])
    recs = needs.iloc[un][["instrument", "sector_code", "region_code", "amount", "term_months"]]
    U["detail"] = [
        _reason_text(code, rec, int(k)) for code, rec, k in zip(codes, recs.to_dict("records"), counts[un, 6])
    ]
    committed = np.bincount(M["j"].to_numpy(), weights=matches["amount"].to_numpy(), minlength=len(sources))
    n_matches = np.bincount(M["j"].to_numpy(), minlength=len(sources))
    S = pd.DataFrame(
        {
            "source_id": sources["source_id"].to_numpy(),
            "kind": sources["kind"].to_numpy(),
            "instrument": sources["instrument"].to_numpy(),
            "capacity": capacity,
            "committed": committed,
            "utilisation": np.divide(committed, capacity, out=np.zeros_like(capacity), where=capacity > 0),
            "matches": n_matches,
        }
    )
    gap = (A.bound - A.objective) / A.bound if A.bound > 0 else 0.0
    t3 = time.perf_counter()
    return MatchingResult(
        matches=matches,
        unmatched=U,
        sources=S,
        objective=A.objective,
        bound=A.bound,
        gap=max(gap, 0.0),
        method=A.method,
        candidates=len(P),
        timings={"candidates": t1 - t0, "solve": A.solve_seconds, "assemble": t3 - t2, "total": t3 - t0},
        notes=A.notes,
        lineage=Lineage.make(
            "capital.match_financing",
            {
                "top_k": top_k,
                "method": method,
                "exact_limit": exact_limit,
                "weights": {**WEIGHTS, **(weights or {})},
            },
        ),
    )
