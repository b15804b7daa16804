"""Benchmarking of assessed enterprises: rank and percentile within sector, region and size class;
sector × region aggregates with small-cell suppression; comparison with published sector scores.

Disclosure control (统计披露控制). Enterprise-level data is at least "important" data; an aggregate
over fewer than ``k`` enterprises (default 3) is never published (*primary suppression*). Because
the table also publishes margins (sector totals, region totals, the national total) and additive
statistics (counts, sums = mean × n, counts per level), a lone suppressed cell in a row could be
recovered by subtraction; *complementary suppression* hides further cells until no suppressed
entry can be worked out from the published ones.

For a two-way table with margins, the published equations are "each row's cells add up to the
row margin" and "each column's cells add up to the column margin" (the margins themselves add up
to the grand total). Draw a bipartite graph whose nodes are the rows and columns (the margin row
and column included) and whose edges are the suppressed entries. A suppressed entry can be
recovered exactly if and only if its edge is a *bridge* of that graph: if it lies on a cycle, its
value can be moved along the cycle (+δ, −δ, …) without changing any published number. So the
algorithm suppresses, for every bridge, the cheapest path (fewest enterprises newly hidden) that
closes a cycle through it, until no bridge is left. For a one-way table with a total the rule is
simpler: never exactly one suppressed entry.

Written by hand: the maintained disclosure-control packages (sdcTable, tau-argus) are R / Java;
the bridge criterion for two-way tables follows Cox (1980) and Willenborg & de Waal (2001, §4.2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources.abc import Traversable
from typing import Any, Iterable, Sequence

import networkx as nx
import numpy as np
import pandas as pd

from industrial_brain._shared.config import config_file, load_config
from industrial_brain._shared.i18n import check_lang
from industrial_brain._shared.results import ResultMixin
from industrial_brain.errors import InputError
from industrial_brain.lineage import Lineage

__all__ = [
    "ALL",
    "REFERENCE_2022",
    "BenchmarkTable",
    "PublishedReference",
    "percentile_rank",
    "enterprise_benchmark",
    "aggregate",
    "suppress_two_way",
    "suppress_one_way",
    "hide_lone_partner",
    "mark_suppressed",
    "group_stats",
    "published_reference_2022",
    "compare_with_reference",
]

#: Label of margin rows/columns in aggregate tables.
ALL = "ALL"


def _frame_of(scores: Any) -> pd.DataFrame:
    if hasattr(scores, "to_frame") and hasattr(scores, "total"):
        return scores.to_frame()
    if isinstance(scores, pd.DataFrame):
        return scores
    raise InputError.at(
        "scores must be an AssessmentScores result or a DataFrame",
        value=type(scores).__name__,
        expected="a table with a 'total_score' column",
    )


def _need(frame: pd.DataFrame, cols: Iterable[str]) -> None:
    for c in cols:
        if c not in frame.columns:
            raise InputError.at(
                "column missing from the scores table",
                column=c,
                expected=f"one of the columns {list(frame.columns)[:12]}",
            )


# ---- rank and percentile -----------------------------------------------------------------------


def percentile_rank(
    scores: Any, by: Sequence[str] = ("sector", "region", "size_class"), *, value: str = "total_score"
) -> pd.DataFrame:
    """Rank and percentile of every enterprise within each of its groups (and nationally).

    Returns one row per enterprise with, for each grouping ``g`` in ``by`` plus ``national``:
    ``g_n`` (group size), ``g_rank`` (1 = best; ties share the best rank) and ``g_percentile``.

    Notes
    -----
    With :math:`L` firms of the group scoring strictly lower, :math:`E` scoring the same (the firm
    included) and :math:`N` firms in the group, the (mid-rank, Hazen) percentile is
    :math:`P = 100\\,(L + E/2)/N` and the rank is :math:`1 + \\#\\{\\text{strictly higher}\\}`.

    References
    ----------
    Hyndman, R. J. & Fan, Y. (1996). Sample quantiles in statistical packages. *The American
    Statistician* 50(4), 361–365 (definition 5, the mid-rank plotting position (k − 0.5)/n).

    Examples
    --------
    Scores 10, 20, 20, 40 in one sector: the firm at 20 has L = 1, E = 2, so P = 100·(1 + 1)/4 = 50.

    >>> f = pd.DataFrame({"sector": ["A"] * 4, "total_score": [10.0, 20.0, 20.0, 40.0]},
    ...                  index=pd.Index(["a", "b", "c", "d"], name="uscc"))
    >>> r = percentile_rank(f, by=["sector"])
    >>> r.loc["b", ["sector_rank", "sector_percentile"]].tolist()
    [2.0, 50.0]
    """
    frame = _frame_of(scores)
    by = list(by)
    _need(frame, [value, *by])
    x = frame[value].astype(np.float64)
    if x.isna().any():
        raise InputError.at(
            "missing total score",
            row=int(np.flatnonzero(x.isna().to_numpy())[0]) + 2,
            column=value,
            expected="a number from 0 to 100 for every enterprise",
        )
    xv = x.to_numpy()
    n_all = len(xv)
    out = pd.DataFrame(index=frame.index)
    for name in ["national", *by]:
        codes = np.zeros(n_all, dtype=np.int64) if name == "national" else pd.factorize(frame[name])[0]
        N, rank, pct = _ranks(codes, xv)
        out[f"{name}_n"] = N
        out[f"{name}_rank"] = rank
        out[f"{name}_percentile"] = pct
    return out


def _ranks(codes: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Group size, rank (1 = best, ties share the best) and mid-rank percentile, by one sort.

    After sorting by (group, score), runs of equal (group, score) give E, the run start minus the
    group start gives L, and the group end minus the run end gives the number strictly higher.
    """
    n = x.shape[0]
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0), np.zeros(0)
    order = np.lexsort((x, codes))
    c, v = codes[order], x[order]
    pos = np.arange(n)
    new_grp = np.empty(n, dtype=bool)
    new_grp[0] = True
    new_grp[1:] = c[1:] != c[:-1]
    new_run = new_grp.copy()
    new_run[1:] |= v[1:] != v[:-1]
    g_start = np.maximum.accumulate(np.where(new_grp, pos, 0))
    r_start = np.maximum.accumulate(np.where(new_run, pos, 0))
    end_grp = np.empty(n, dtype=bool)
    end_grp[-1] = True
    end_grp[:-1] = new_grp[1:]
    end_run = np.empty(n, dtype=bool)
    end_run[-1] = True
    end_run[:-1] = new_run[1:]
    g_end = np.minimum.accumulate(np.where(end_grp, pos, n - 1)[::-1])[::-1]
    r_end = np.minimum.accumulate(np.where(end_run, pos, n - 1)[::-1])[::-1]
    N_s = g_end - g_start + 1
    L = r_start - g_start
    E = r_end - r_start + 1
    higher = g_end - r_end
    N = np.empty(n, dtype=np.int64)
    rank = np.empty(n)
    pct = np.empty(n)
    N[order] = N_s
    rank[order] = 1.0 + higher
    pct[order] = 100.0 * (L + 0.5 * E) / N_s
    return N, rank, pct


def enterprise_benchmark(
    scores: Any,
    uscc: str,
    by: Sequence[str] = ("sector", "region", "size_class"),
    *,
    value: str = "total_score",
    k: int = 3,
) -> pd.DataFrame:
    """Where one enterprise stands: for each grouping, its group, group size, rank, percentile and the
    group's mean and median (withheld when the group has fewer than ``k`` enterprises)."""
    frame = _frame_of(scores)
    if uscc not in frame.index:
        raise InputError.at(
            "enterprise not found in the scores",
            column="uscc",
            value=uscc,
            expected="the USCC of an assessed enterprise",
        )
    pr = percentile_rank(frame, by, value=value)
    rows = []
    for g in ["national", *by]:
        grp_val = ALL if g == "national" else frame.at[uscc, g]
        members = frame[value] if g == "national" else frame.loc[frame[g] == grp_val, value]
        n = int(pr.at[uscc, f"{g}_n"])
        ok = n >= k
        rows.append(
            {
                "grouping": g,
                "group": grp_val,
                "n": n,
                "score": float(frame.at[uscc, value]),
                "rank": float(pr.at[uscc, f"{g}_rank"]),
                "percentile": float(pr.at[uscc, f"{g}_percentile"]),
                "group_mean": float(members.mean()) if ok else np.nan,
                "group_median": float(members.median()) if ok else np.nan,
            }
        )
    return pd.DataFrame(rows).set_index("grouping")


# ---- suppression -------------------------------------------------------------------------------


def suppress_one_way(
    n: np.ndarray,
    n_total: int,
    k: int = 3,
    *,
    primary: np.ndarray | None = None,
    primary_total: bool | None = None,
) -> tuple[np.ndarray, bool, np.ndarray]:
    """Primary and complementary suppression for cells ``n`` plus their published total.

    Returns ``(cell_suppressed, total_suppressed, complementary)``. A cell with 1 ≤ n < k is
    suppressed; if exactly one entry of the equation ``Σ cells = total`` is then suppressed, the
    next-smallest non-empty cell (or, failing that, the total) is suppressed as well.

    ``primary`` / ``primary_total`` replace the threshold rule by a given pattern of sensitive
    entries (e.g. threshold *or* dominance, :mod:`industrial_brain.micro.disclosure`); the
    complementary step is the same.

    Examples
    --------
    >>> s, t, c = suppress_one_way(np.array([2, 10, 7]), 19)
    >>> s.tolist(), t, c.tolist()
    ([True, False, True], False, [False, False, True])

    A sensitive total (given) hides the smallest cell with it:

    >>> s, t, c = suppress_one_way(np.array([4, 10, 7]), 21, primary=np.zeros(3, bool), primary_total=True)
    >>> s.tolist(), t, c.tolist()
    ([True, False, False], True, [True, False, False])
    """
    n = np.asarray(n, dtype=np.int64)
    if primary is not None:
        sup = np.asarray(primary, dtype=bool) & (n > 0)
        comp = np.zeros_like(sup)
        tot = bool(primary_total) and n_total > 0
        if tot and sup.sum() == 0:
            cand = np.flatnonzero(n > 0)
            if cand.size:
                j = cand[np.argmin(n[cand])]
                sup[j] = comp[j] = True
            return sup, True, comp
        if not tot and hide_lone_partner(n, sup, comp):
            tot = True
        return sup, tot, comp
    sup = (n > 0) & (n < k)
    comp = np.zeros_like(sup)
    tot = 0 < n_total < k
    if tot:
        sup = n > 0
        return sup, True, comp
    if hide_lone_partner(n, sup, comp):  # pragma: no cover - a single non-empty cell equals the total (>= k)
        tot = True
    return sup, tot, comp


def hide_lone_partner(n: np.ndarray, sup: np.ndarray, comp: np.ndarray) -> bool:
    """Complementary step of a one-way table: if exactly one non-empty cell is suppressed, suppress
    the smallest other non-empty cell too (``sup`` and ``comp`` are updated in place).

    Returns ``True`` when there is no such cell, so that the total must be suppressed instead.

    Examples
    --------
    >>> n = np.array([2, 10, 7]); sup = np.array([True, False, False]); comp = np.zeros(3, bool)
    >>> hide_lone_partner(n, sup, comp), sup.tolist(), comp.tolist()
    (False, [True, False, True], [False, False, True])
    """
    if (sup & (n > 0)).sum() != 1:
        return False
    cand = np.flatnonzero(~sup & (n > 0))
    if not cand.size:
        return True
    j = cand[np.argmin(n[cand])]
    sup[j] = comp[j] = True
    return False


def _bridges(edges: Iterable[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    g = nx.MultiGraph()
    g.add_edges_from(edges)
    # nx.bridges ignores parallel edges correctly only for simple graphs; entries are unique pairs here
    return list(nx.bridges(nx.Graph(g)))


def suppress_two_way(
    n: np.ndarray, k: int = 3, *, primary: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Suppression pattern of an (R+1) × (C+1) table of counts whose last row and column are margins.

    Parameters
    ----------
    n : (R+1, C+1) int array — enterprise counts; ``n[:R, C]`` row margins, ``n[R, :C]`` column
        margins, ``n[R, C]`` the grand total.

    Returns
    -------
    suppressed, complementary : (R+1, C+1) bool arrays.

    Notes
    -----
    Primary: every entry with 1 ≤ n < k (or, when given, the non-empty entries of ``primary``, an
    (R+1, C+1) bool array of sensitive entries: threshold or dominance). Then, while the bipartite
    graph (row nodes, column nodes, one edge per suppressed entry) has a bridge (r, c), suppress
    the entries of the path from r to c that hides the fewest enterprises, using only non-empty
    entries; this puts (r, c) on a cycle.
    A suppressed entry on a cycle cannot be recovered from the published entries and equations.

    References
    ----------
    Cox, L. H. (1980). Suppression methodology and statistical disclosure control. *JASA* 75(370),
    377–385. Willenborg, L. & de Waal, T. (2001). *Elements of Statistical Disclosure Control*,
    Springer, ch. 4.

    Examples
    --------
    One small cell (2 firms) in a 2 × 2 table: its row and column must each lose another entry,
    and the four inner cells end up suppressed together.

    >>> inner = np.array([[2, 5], [6, 7]])
    >>> n = np.zeros((3, 3), dtype=int); n[:2, :2] = inner
    >>> n[:2, 2] = inner.sum(1); n[2, :2] = inner.sum(0); n[2, 2] = inner.sum()
    >>> s, c = suppress_two_way(n)
    >>> s.astype(int).tolist()
    [[1, 1, 0], [1, 1, 0], [0, 0, 0]]
    """
    n = np.asarray(n, dtype=np.int64)
    R1, C1 = n.shape
    sup = (n > 0) & ((n < k) if primary is None else np.asarray(primary, dtype=bool))
    comp = np.zeros_like(sup)
    rnode = [("r", i) for i in range(R1)]
    cnode = [("c", j) for j in range(C1)]
    for _ in range(R1 * C1 + 1):
        edges = [(rnode[i], cnode[j]) for i, j in zip(*np.nonzero(sup))]
        br = _bridges(edges)
        if not br:
            return sup, comp
        a, b = br[0]
        (i, j) = (a[1], b[1]) if a[0] == "r" else (b[1], a[1])
        g = nx.Graph()
        for ii in range(R1):
            for jj in range(C1):
                if (ii, jj) == (i, j) or n[ii, jj] <= 0:
                    continue
                # cost: enterprises newly hidden (0 if already suppressed) + a tiny length penalty
                w = (0.0 if sup[ii, jj] else float(n[ii, jj])) + 1e-6
                g.add_edge(rnode[ii], cnode[jj], weight=w, cell=(ii, jj))
        try:
            path = nx.shortest_path(g, rnode[i], cnode[j], weight="weight")
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            # cannot close a cycle: hide every non-empty entry of the row and the column
            for jj in range(C1):
                if n[i, jj] > 0 and not sup[i, jj]:
                    sup[i, jj] = comp[i, jj] = True
            for ii in range(R1):
                if n[ii, j] > 0 and not sup[ii, j]:
                    sup[ii, j] = comp[ii, j] = True
            continue
        for u, v in zip(path, path[1:]):
            ii, jj = g.edges[u, v]["cell"]
            if not sup[ii, jj]:
                sup[ii, jj] = comp[ii, jj] = True
    raise AssertionError("suppression did not converge")  # pragma: no cover


# ---- aggregates --------------------------------------------------------------------------------


@dataclass(frozen=True)
class BenchmarkTable(ResultMixin):
    """Aggregates of assessed enterprises by one or two groupings, with margins and suppression.

    ``frame`` has one row per cell and margin (margins carry ``ALL`` in the grouping column):
    ``n``, ``mean``, ``q1``, ``median``, ``q3``, ``share_<level>`` …, ``suppressed`` and
    ``suppression`` (``primary`` / ``complementary`` / empty). Suppressed rows have every statistic
    (``n`` included) set to NaN.
    """

    frame: pd.DataFrame
    by: tuple[str, ...]
    k: int
    n_primary: int
    n_complementary: int
    lineage: Lineage = field(repr=False)

    title_en = "Benchmark aggregates (small cells suppressed)"
    title_zh = "对标汇总（小单元格已抑制）"

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        yield ("分组" if zh else "by", " × ".join(self.by))
        yield ("最少企业数 k" if zh else "minimum enterprises k", self.k)
        yield ("主抑制" if zh else "primary suppressions", self.n_primary)
        yield ("补充抑制" if zh else "complementary suppressions", self.n_complementary)

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        check_lang(lang)
        return self.frame.copy()


def group_stats(
    codes: np.ndarray, G: int, x: np.ndarray, lvl: np.ndarray | None, level_codes: Sequence[str]
) -> pd.DataFrame:
    """n, mean, quartiles (linear interpolation, Hyndman & Fan type 7) and level shares per group code
    (``codes`` in 0 … G−1; ``lvl`` the level position of each row in ``level_codes``, or None)."""
    n = np.bincount(codes, minlength=G)
    sums = np.bincount(codes, weights=x, minlength=G)
    order = np.lexsort((x, codes))
    v = x[order]
    start = np.concatenate([[0], np.cumsum(n)[:-1]])
    out = {"n": n, "mean": np.where(n > 0, sums / np.maximum(n, 1), np.nan)}
    for name, p in (("q1", 0.25), ("median", 0.5), ("q3", 0.75)):
        h = (n - 1) * p
        lo = np.floor(h).astype(np.int64)
        hi = np.minimum(lo + 1, np.maximum(n - 1, 0))
        ok = n > 0
        a = np.where(ok, v[np.where(ok, start + lo, 0)] if len(v) else 0.0, np.nan)
        b = np.where(ok, v[np.where(ok, start + hi, 0)] if len(v) else 0.0, np.nan)
        out[name] = a + (h - lo) * (b - a)
    if lvl is not None:
        L = len(level_codes)
        cnt = np.bincount(codes * L + lvl, minlength=G * L).reshape(G, L)
        for j, c in enumerate(level_codes):
            out[f"share_{c}"] = np.where(n > 0, cnt[:, j] / np.maximum(n, 1), np.nan)
    return pd.DataFrame(out)


def aggregate(
    scores: Any,
    by: str | Sequence[str] = ("sector", "region"),
    *,
    k: int = 3,
    value: str = "total_score",
    level_column: str | None = "level",
    level_codes: Sequence[str] | None = None,
) -> BenchmarkTable:
    """Mean, quartiles and level shares by one or two groupings, with margins and suppression.

    Parameters
    ----------
    scores : AssessmentScores or DataFrame with ``value``, the ``by`` columns and ``level_column``.
    by : one or two grouping columns (e.g. ``"sector"`` or ``("sector", "region")``).
    k : minimum number of enterprises behind any published number (default 3).

    Returns
    -------
    BenchmarkTable

    Notes
    -----
    Quartiles use linear interpolation between order statistics (numpy's default, Hyndman & Fan
    definition 7). A level share is the count at that level divided by ``n``.

    Examples
    --------
    Sector C has 2 firms (< k = 3) and is suppressed; B, the smallest other sector, is suppressed
    too, or C's count and sum would follow from the national total minus A and B.

    >>> f = pd.DataFrame({"sector": ["A"] * 5 + ["B"] * 4 + ["C"] * 2,
    ...                   "total_score": [40, 45, 50, 55, 60, 10, 20, 30, 40, 70, 80.0]})
    >>> t = aggregate(f, "sector", level_column=None).frame
    >>> float(t.loc["A", "mean"]), int(t.loc["ALL", "n"]), t.loc["C", "suppression"]
    (50.0, 11, 'primary')
    >>> t.loc["B", "suppression"]
    'complementary'
    """
    frame = _frame_of(scores)
    by = (by,) if isinstance(by, str) else tuple(by)
    if not 1 <= len(by) <= 2:
        raise InputError.at(
            "aggregate takes one or two grouping columns",
            column="by",
            value=list(by),
            expected="e.g. 'sector' or ('sector', 'region')",
        )
    if k < 1:
        raise InputError.at("k must be at least 1", column="k", value=k, expected="an integer >= 1")
    _need(frame, [value, *by])
    vals = frame[value].to_numpy(dtype=np.float64)
    lvl = None
    if level_column is not None and level_column in frame.columns:
        lcodes, luniq = pd.factorize(frame[level_column])
        if level_codes is None:
            cats = getattr(frame[level_column].dtype, "categories", None)
            level_codes = [str(c) for c in cats] if cats is not None else sorted(str(u) for u in luniq)
        level_codes = list(level_codes)
        pos_of = {c: i for i, c in enumerate(level_codes)}
        missing = [str(u) for u in luniq if str(u) not in pos_of]
        if missing:
            raise InputError.at(
                "level not among the level codes",
                column=level_column,
                value=missing[0],
                expected=", ".join(level_codes),
            )
        lvl = np.array([pos_of[str(u)] for u in luniq], dtype=np.int64)[lcodes]
    level_codes = list(level_codes or [])
    facs = [pd.factorize(frame[c], sort=True) for c in by]
    labels = [[str(u) for u in f[1]] for f in facs]
    zero = np.zeros(len(vals), dtype=np.int64)
    if len(by) == 1:
        codes, lab = facs[0][0], labels[0]
        cells = group_stats(codes, len(lab), vals, lvl, level_codes)
        cells.index = pd.Index(lab, name=by[0])
        cells = cells[cells["n"] > 0]
        total = group_stats(zero, 1, vals, lvl, level_codes)
        total.index = pd.Index([ALL], name=by[0])
        sup, tot_sup, comp = suppress_one_way(cells["n"].to_numpy(), int(total["n"].iloc[0]), k)
        out = pd.concat([cells, total])
        s = np.append(sup, tot_sup)
        c = np.append(comp, False)
    else:
        (rc, r_lab), (cc, c_lab) = (facs[0][0], labels[0]), (facs[1][0], labels[1])
        R, C = len(r_lab), len(c_lab)
        cells = group_stats(rc * C + cc, R * C, vals, lvl, level_codes)
        rows_m = group_stats(rc, R, vals, lvl, level_codes)
        cols_m = group_stats(cc, C, vals, lvl, level_codes)
        total = group_stats(zero, 1, vals, lvl, level_codes)
        n = np.zeros((R + 1, C + 1), dtype=np.int64)
        n[:R, :C] = cells["n"].to_numpy().reshape(R, C)
        n[:R, C] = rows_m["n"].to_numpy()
        n[R, :C] = cols_m["n"].to_numpy()
        n[R, C] = int(total["n"].iloc[0])
        S, CP = suppress_two_way(n, k)
        cells.index = pd.MultiIndex.from_product([r_lab, c_lab], names=list(by))
        keep = cells["n"].to_numpy() > 0
        cells = cells[keep]
        rows_m.index = pd.MultiIndex.from_tuples([(x, ALL) for x in r_lab], names=list(by))
        cols_m.index = pd.MultiIndex.from_tuples([(ALL, x) for x in c_lab], names=list(by))
        total.index = pd.MultiIndex.from_tuples([(ALL, ALL)], names=list(by))
        out = pd.concat([cells, rows_m, cols_m, total])
        ii = np.concatenate([np.repeat(np.arange(R), C)[keep], np.arange(R), np.full(C, R), [R]])
        jj = np.concatenate([np.tile(np.arange(C), R)[keep], np.full(R, C), np.arange(C), [C]])
        s = S[ii, jj]
        c = CP[ii, jj]
    out = mark_suppressed(out.astype({"n": np.float64}), s, c)
    lineage = Lineage.make("micro.aggregate", {"by": list(by), "k": k, "value": value, "n": len(frame)})
    return BenchmarkTable(out, by, k, int((s & ~c).sum()), int(c.sum()), lineage)


def mark_suppressed(frame: pd.DataFrame, suppressed: np.ndarray, complementary: np.ndarray) -> pd.DataFrame:
    """Set every statistic of the ``suppressed`` rows of ``frame`` to NaN and add the columns
    ``suppressed`` and ``suppression`` (``complementary`` / ``primary`` / empty). Changes ``frame`` in
    place and returns it."""
    frame.loc[suppressed, list(frame.columns)] = np.nan
    frame["suppressed"] = suppressed
    frame["suppression"] = np.where(complementary, "complementary", np.where(suppressed, "primary", ""))
    return frame


# ---- published references ----------------------------------------------------------------------


@dataclass(frozen=True)
class PublishedReference:
    """Published reference scores (not computed here): sector means and national figures."""

    code: str
    title_en: str
    year: int
    source: str
    source_confirmed: bool
    national_mean: float
    national_share_at_or_below_L1: float
    sectors: pd.DataFrame  # index name_en; columns name_zh, mean_score


#: Shipped config file (kind ``maturity_models``) holding the published 2022 sector scores.
REFERENCE_2022 = "reference_2022_sector_scores"


def _reference_path() -> Traversable:
    """The shipped YAML of the published 2022 reference (its bytes fingerprint the stored copy)."""
    return config_file("maturity_models", REFERENCE_2022)


@lru_cache(maxsize=1)
def published_reference_2022() -> PublishedReference:
    """The 2022 sector digital-transformation scores shipped with the package (a published reference).

    Examples
    --------
    >>> ref = published_reference_2022()
    >>> ref.national_mean, float(ref.sectors.loc["Electronics", "mean_score"])
    (51.8, 58.0)
    """
    d = load_config("maturity_models", REFERENCE_2022)
    sectors = pd.DataFrame(d["sectors"]).set_index("name_en")
    sectors.index.name = "sector"
    return PublishedReference(
        code=d["code"],
        title_en=d["title_en"],
        year=int(d["year"]),
        source=" ".join(str(d["source"]).split()),
        source_confirmed=bool(d["source_confirmed"]),
        national_mean=float(d["national"]["mean_score"]),
        national_share_at_or_below_L1=float(d["national"]["share_at_or_below_L1"]),
        sectors=sectors,
    )


def compare_with_reference(
    scores: Any,
    *,
    sector_column: str = "sector",
    value: str = "total_score",
    level_column: str = "level",
    low_levels: Sequence[str] = ("L0", "L1", "unrated"),
    reference: PublishedReference | None = None,
    k: int = 3,
) -> pd.DataFrame:
    """Our sector means beside the published 2022 reference means (labelled as published).

    Returns one row per published sector plus ``ALL`` (national): ``n``, ``mean`` (ours; NaN when
    fewer than ``k`` enterprises), ``published_mean``, ``difference`` (ours − published), and for
    ``ALL`` the share of firms at or below L1 beside the published share. Column ``reference`` names
    the source and says whether it was confirmed.
    """
    frame = _frame_of(scores)
    _need(frame, [value, sector_column])
    ref = reference or published_reference_2022()
    codes, uniq = pd.factorize(frame[sector_column])
    x = frame[value].to_numpy(dtype=np.float64)
    cnt = np.bincount(codes[codes >= 0], minlength=len(uniq))
    sm = np.bincount(codes[codes >= 0], weights=x[codes >= 0], minlength=len(uniq))
    n = pd.Series(cnt, index=[str(u) for u in uniq])
    mean = pd.Series(sm / np.maximum(cnt, 1), index=n.index)
    rows = []
    label_txt = f"published reference {ref.year}" + (
        "" if ref.source_confirmed else " (source not confirmed)"
    )
    for s, pub in ref.sectors["mean_score"].items():
        cnt = int(n.get(s, 0))
        m = float(mean.get(s, np.nan)) if cnt >= k else np.nan
        rows.append(
            {
                "sector": s,
                "n": cnt,
                "mean": m,
                "published_mean": float(pub),
                "difference": m - float(pub),
                "share_at_or_below_L1": np.nan,
                "published_share_at_or_below_L1": np.nan,
                "reference": label_txt,
            }
        )
    N = len(frame)
    low = frame[level_column].isin(list(low_levels)).mean() if level_column in frame.columns else np.nan
    nat = float(frame[value].mean()) if N >= k else np.nan
    rows.append(
        {
            "sector": ALL,
            "n": N,
            "mean": nat,
            "published_mean": ref.national_mean,
            "difference": nat - ref.national_mean,
            "share_at_or_below_L1": float(low) if N >= k else np.nan,
            "published_share_at_or_below_L1": ref.national_share_at_or_below_L1,
            "reference": label_txt,
        }
    )
    return pd.DataFrame(rows).set_index("sector")
