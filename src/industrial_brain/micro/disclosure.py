"""Statistical disclosure control of enterprise aggregates by **releases** (统计披露控制：发布版本).

A *release* is a versioned snapshot of every published table over the enterprises' latest scores
under one maturity model: the one-way tables by ``sector``, ``region`` and ``size_class`` and the
three two-way tables of their pairs, each with margins. Tables are made once, checked against every
earlier release, stored, and then served as they are; nothing is recomputed per request.

The rules, in the order they are applied:

1. **Primary sensitivity** of a cell (a set of contributors):

   * *threshold rule*: fewer than ``k`` contributors (default 3);
   * *dominance, p% rule*: with the cell total :math:`T` and its two largest contributions
     :math:`x_1 \\ge x_2`, the cell is sensitive when :math:`T - x_1 - x_2 < (p/100)\\,x_1`
     (default :math:`p = 10`): the second largest contributor, subtracting its own value, would
     estimate the largest to within p per cent. Scores are nonnegative (0–100), as the rule needs;
   * optionally the *(n, k) dominance rule*: the ``n`` largest contributions exceed ``k`` per cent
     of :math:`T`.

2. **Secondary (complementary) suppression within each table**, so that no sensitive cell follows
   from the table's margins: :func:`~industrial_brain.micro.benchmarking.suppress_one_way` and
   :func:`~industrial_brain.micro.benchmarking.suppress_two_way` (bridges of the bipartite graph of
   suppressed entries, Cox 1980), run with the primary pattern above. A cell appears in several
   tables (sector C is a cell of the sector table and the row margin of sector × region and of
   sector × size class): a cell suppressed in one is suppressed in all, and the tables are
   re-suppressed until nothing changes.

3. **Distribution statistics** (quartiles and level shares) are published only for cells with
   :math:`n \\ge n_{min}` (default 10). Reason: quartiles are order statistics; for :math:`n = 3`
   the quartiles of Hyndman & Fan's definition 7 are :math:`q_1 = (v_1 + v_2)/2`,
   median :math:`= v_2`, :math:`q_3 = (v_2 + v_3)/2`, which give every member
   (:math:`v_1 = 2q_1 - v_2`, :math:`v_3 = 2q_3 - v_2`); for any :math:`n < 5` the three quartiles
   and the mean are at least as many equations as members, and level shares of a small cell tell
   each member's level when the cell is homogeneous. From :math:`n = 10` on, each quartile is an
   interpolation between two of at least ten order statistics and the four published numbers
   (mean and three quartiles) leave at least six degrees of freedom. Published quartiles are
   rounded to 0.1 point, shares to 0.001 and means to 0.01 point (:data:`DECIMALS`) — rounding is
   for presentation; the protection comes from the rules, not from the rounding.

4. **The release audit** (:func:`audit_release`) across tables *and* releases. Every published
   linear statistic of a cell — its count :math:`n`, its total :math:`n\\cdot\\bar x` and its count per
   level — is :math:`\\sum_{i \\in \\text{cell}} f_i` for some attribute :math:`f` (1, the score, the
   indicator of a level): the same 0/1 row over contributors. Stack the rows of every published
   cell of every table of every earlier release and of the candidate release into
   :math:`M` (rows × contributors); a contributor is one assessment (``assessment_id``), so a
   re-assessment is one contributor leaving and another joining. An attacker who knows the
   memberships (the worst case) can compute exactly the linear functions :math:`c^\\top f` with
   :math:`c \\in \\operatorname{row}(M)`. A group :math:`G` of contributors is **disclosed** iff some
   nonzero :math:`c` supported on :math:`G` lies in :math:`\\operatorname{row}(M)`: then
   :math:`\\sum_{i\\in G} c_i f_i` is known exactly, and a member of the group learns the others'.

   *Atoms.* Contributors with identical columns of :math:`M` form an atom; every vector of the row
   space is constant on each atom, so a disclosed group is a union of whole atoms, and the
   question moves to the atom-reduced matrix :math:`M_a` (rows × atoms; at scale the atoms are
   bounded by cells × release history, not by firms). With an orthonormal basis :math:`Q` of
   :math:`\\operatorname{row}(M_a)` (pivoted QR of :math:`M_a^\\top`, SciPy/LAPACK) the projector is
   :math:`P = QQ^\\top`. For a set :math:`X` of atoms,
   :math:`\\operatorname{span}\\{e_a : a \\in X\\} \\cap \\operatorname{row}(M_a) \\ne \\{0\\}` iff the top
   eigenvalue of the block :math:`P_{XX}` is 1 (a unit :math:`u` supported on :math:`X` has
   :math:`u^\\top P u = 1` iff :math:`Pu = u`). For one atom this is its *leverage*
   :math:`h_a = P_{aa} = 1`; for two atoms it is :math:`(1-h_a)(1-h_b) = P_{ab}^2`. Because
   :math:`P_{ab}^2 \\le h_a h_b`, two atoms can only be disclosed together when
   :math:`h_a + h_b \\ge 1`, which prunes the pairs to check.

   *Groups checked.* Group size is counted in **firms** (a firm with two assessments in the history
   is one member who knows both): the audit checks, to tolerance ``tol``, every single firm (the
   block of the atoms made of that firm's assessments only) and every pair of firms (the atoms made
   of the two firms' assessments only), and every sensitive cell of every release (primary
   suppressed: its membership vector must not lie in the row space, so no suppressed cell follows
   from the margins of other tables or releases). For the default ``k = 3`` the groups of fewer
   than ``k`` firms are exactly the singles and the pairs, so **the audit is exact for k = 3**:
   after it, no linear combination of published counts, totals and level counts, across all tables
   and releases, equals a function of one firm's or two firms' assessments alone. For ``k > 3`` it
   does *not* check coalitions of 3 … k−1 firms (a group of three firms whose joint total follows
   from differencing passes); that is not proved.

   *Resolution.* When the audit finds a disclosed group, the candidate release marks its published
   cell with the smallest :math:`n` among those touching the group ``suppression='release'`` (all
   its statistics withheld; one choice per group per round) and audits again, until clean. This
   terminates: each round removes at least one candidate cell, and with every candidate cell
   removed the matrix is that of the earlier releases, which were clean when made (a contributor
   only in the candidate has a zero column, leverage 0). *Proof of the invariant by induction:* the
   first release is audited alone; release :math:`t` is audited with all releases before it, and
   the audit examines the whole stacked :math:`M_t`, so after release :math:`t` no group checked is
   disclosed by any combination of releases :math:`1 … t`. Dropping cells, rather than carrying
   forward their last published values, keeps every published number true to its date and the
   proof to this one line: rows are only ever added after the check they passed.

What it does not protect against: attribute disclosure in homogeneous groups (every firm of a
published cell at level L2 — the share tells each member's level), knowledge from outside the
releases (a firm that knows it is the only new entrant in a region), non-linear statistics across
releases (quartiles of cells of at least ``n_min`` are published without a cross-release check),
the width of the interval within which a suppressed cell lies (the audit checks exact
derivability, not the p% protection interval that τ-Argus's LP audit computes), and coalitions of
three or more firms when ``k > 3``.

Written by hand: the maintained disclosure-control packages (sdcMicro and sdcTable for R, τ-Argus
in Java) are not Python; the rules follow their definitions and the leverage audit is a few lines
of NumPy/SciPy linear algebra on the release history, which those tools do not keep.

References
----------
Hundepool, A. et al. (2012). *Statistical Disclosure Control*. Wiley, §4.2 (sensitivity rules:
threshold, (n,k) and p% dominance), §4.3 (secondary suppression), §4.6 (linked tables).
ESSNet SDC, Hundepool, A. (coord.) (2010). *Handbook on Statistical Disclosure Control* v1.2,
glossary: "(n,k) rule — a cell is regarded as confidential if the n largest units contribute more
than k % to the cell total, e.g. n = 2 and k = 85". Statistics New Zealand (2013). *Microdata
access output guide*: the p% rule estimates the largest contributor X by T − Y (Y the second
largest) and deems the cell sensitive when that estimate is within p % of X — with
T − X − Y < (p/100)·X as here. τ-Argus safety rules NK(n,k), P(p,n), FREQ(n,·) as exposed by
rtauargus (https://inseefrlab.github.io/rtauargus/articles/options_safety_rules.html); sdcTable
``primarySuppression(type = "freq" | "nk" | "p")``
(https://rdrr.io/pkg/sdcTable/man/primarySuppression.html); GaussSuppression ``MagnitudeRule``
(https://rdrr.io/cran/GaussSuppression/man/MagnitudeRule.html). Eurostat (2019). *Handbook on
Statistical Disclosure Control for outputs*, ch. 4. Cox, L. H. (1980). Suppression methodology and
statistical disclosure control. *JASA* 75(370).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd
import scipy.linalg
from threadpoolctl import threadpool_limits

from industrial_brain._shared.i18n import check_lang
from industrial_brain._shared.results import ResultMixin
from industrial_brain.errors import InputError
from industrial_brain.lineage import Lineage
from industrial_brain.micro.benchmarking import ALL, group_stats, suppress_one_way, suppress_two_way

__all__ = [
    "GROUPINGS",
    "TABLES",
    "DECIMALS",
    "SENSITIVE",
    "cell_key",
    "table_name",
    "threshold_rule",
    "p_percent_rule",
    "nk_rule",
    "ReleaseCandidate",
    "release_cells",
    "ReleaseAudit",
    "audit_release",
    "publish_tables",
]

#: Groupings of a release, in canonical order.
GROUPINGS = ("sector", "region", "size_class")
#: Tables of a release: the three one-way tables and the three two-way tables of their pairs.
TABLES: tuple[tuple[str, ...], ...] = (*((g,) for g in GROUPINGS), *combinations(GROUPINGS, 2))
#: Decimals of published statistics (scores in points 0–100, shares as fractions).
DECIMALS = {"mean": 2, "quartile": 1, "share": 3}
#: Suppression reasons of primary (sensitive) cells.
SENSITIVE = ("primary", "dominance")


def cell_key(grouping: Sequence[str], values: Sequence[Any]) -> str:
    """Canonical key of a cell: ``"sector=C39|region=330000"`` (groupings in :data:`GROUPINGS`
    order as given), ``"ALL"`` for the national total.

    >>> cell_key(("sector", "region"), ("C39", "330000")), cell_key((), ())
    ('sector=C39|region=330000', 'ALL')
    """
    return "|".join(f"{g}={v}" for g, v in zip(grouping, values)) or ALL


def table_name(by: Sequence[str]) -> str:
    """Name of the table of one or two groupings, in canonical order: ``("region", "sector")`` →
    ``"sector|region"``.

    >>> table_name(["region", "sector"])
    'sector|region'
    """
    order = {g: i for i, g in enumerate(GROUPINGS)}
    return "|".join(sorted(by, key=lambda g: order.get(g, len(order))))


# ---- primary sensitivity ---------------------------------------------------------------------------


def threshold_rule(n: np.ndarray, k: int = 3) -> np.ndarray:
    """Threshold rule: a non-empty cell with fewer than ``k`` contributors is sensitive.

    >>> threshold_rule(np.array([0, 1, 2, 3, 10])).tolist()
    [False, True, True, False, False]
    """
    n = np.asarray(n)
    return (n > 0) & (n < k)


def _top(codes: np.ndarray, G: int, x: np.ndarray, m: int) -> np.ndarray:
    """The ``m`` largest values per group code (G × m, zero-padded)."""
    out = np.zeros((G, m))
    if not len(x):
        return out
    order = np.lexsort((-x, codes))
    c, v = codes[order], x[order]
    start = np.searchsorted(c, np.arange(G))
    pos = np.arange(len(c)) - start[c]
    keep = pos < m
    out[c[keep], pos[keep]] = v[keep]
    return out


def _nonnegative(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    if np.any(x < 0) or np.any(~np.isfinite(x)):
        raise InputError.at(
            "dominance rules need nonnegative contributions",
            column="total_score",
            value=float(x[(x < 0) | ~np.isfinite(x)][0]),
            expected="scores from 0 to 100",
        )
    return x


def p_percent_rule(codes: np.ndarray, G: int, x: np.ndarray, p: float = 10.0) -> np.ndarray:
    """p% rule per group: sensitive when :math:`T - x_1 - x_2 < (p/100)\\,x_1`.

    ``codes`` (0 … G−1) give each contribution's cell, ``x`` the nonnegative contributions. The
    second largest contributor knows :math:`T - x_1 - x_2 + x_1` minus its own value; the cell is
    safe only if that leaves at least p% of :math:`x_1` unknown (Hundepool et al. 2012, §4.2.2).

    Examples
    --------
    Cell 0 holds 90, 5 and 0.5: :math:`T - x_1 - x_2 = 0.5 < 9`, sensitive. Cell 1 holds 50, 55,
    60: :math:`165 - 60 - 55 = 50 \\ge 6`, safe. A cell of two is always sensitive.

    >>> p_percent_rule(np.array([0, 0, 0, 1, 1, 1, 2, 2]), 3,
    ...                np.array([90, 5, 0.5, 50, 55, 60, 40, 41.0])).tolist()
    [True, False, True]
    """
    x = _nonnegative(x)
    codes = np.asarray(codes, dtype=np.int64)
    T = np.bincount(codes, weights=x, minlength=G)
    top = _top(codes, G, x, 2)
    return (T - top[:, 0] - top[:, 1]) < (p / 100.0) * top[:, 0]


def nk_rule(codes: np.ndarray, G: int, x: np.ndarray, n: int = 2, k: float = 85.0) -> np.ndarray:
    """(n, k) dominance rule per group: sensitive when the ``n`` largest contributions exceed ``k``
    per cent of the cell total (Hundepool et al. 2012, §4.2.2; τ-Argus "dominance rule").

    >>> nk_rule(np.array([0, 0, 0, 1, 1, 1]), 2, np.array([90, 5, 1, 50, 55, 60.0]), n=2, k=85).tolist()
    [True, False]
    """
    x = _nonnegative(x)
    codes = np.asarray(codes, dtype=np.int64)
    T = np.bincount(codes, weights=x, minlength=G)
    top = _top(codes, G, x, n).sum(axis=1)
    return (T > 0) & (top > (k / 100.0) * T)


# ---- the candidate release: cells, primary and secondary suppression --------------------------------


@dataclass(frozen=True)
class ReleaseCandidate(ResultMixin):
    """All cells of a candidate release before the audit (:func:`release_cells`).

    ``cells``: one row per canonical cell (index ``key``): ``grouping`` (table name of the cell's
    finest form, ``""`` for the national total), one column per grouping (``ALL`` where the cell is
    a margin), ``n``, ``total``, ``mean``, ``q1``, ``median``, ``q3``, ``share_<level>`` … and
    ``suppression`` (``primary`` — threshold, ``dominance`` — p% or (n,k), ``complementary``, or
    ``""``). ``members``: ``key, contributor, unit`` (assessment id and firm of every contribution).
    """

    cells: pd.DataFrame
    members: pd.DataFrame
    level_codes: tuple[str, ...]
    k: int
    p: float
    nk: tuple[int, float] | None
    lineage: Lineage = field(repr=False)

    title_en = "Candidate release (before the audit)"
    title_zh = "待发布版本（审核前）"

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        s = self.cells["suppression"]
        yield ("单元格" if zh else "cells", len(self.cells))
        yield ("阈值抑制" if zh else "threshold (primary)", int((s == "primary").sum()))
        yield ("优势抑制" if zh else "dominance", int((s == "dominance").sum()))
        yield ("补充抑制" if zh else "complementary", int((s == "complementary").sum()))

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        check_lang(lang)
        return self.cells.copy()


def _strings(col: pd.Series) -> pd.Series:
    return col.astype(object).where(col.notna(), "unknown").astype(str)


def release_cells(
    frame: pd.DataFrame,
    *,
    groupings: Sequence[str] = GROUPINGS,
    k: int = 3,
    p: float = 10.0,
    nk: tuple[int, float] | None = None,
    value: str = "total_score",
    contributor: str = "assessment_id",
    unit: str = "uscc",
    level_column: str | None = "level",
    level_codes: Sequence[str] | None = None,
) -> ReleaseCandidate:
    """Every cell of every table of a release, with primary and within-table secondary suppression.

    Parameters
    ----------
    frame : one row per contributor (an enterprise's latest assessment): ``contributor``, ``unit``,
        ``value`` (nonnegative), the ``groupings`` and ``level_column``.
    k : threshold (minimum contributors); p : the p% rule's p; nk : optional (n, k) rule.

    Notes
    -----
    Primary: threshold or dominance (module docstring). Secondary: each one-way table with
    :func:`~industrial_brain.micro.benchmarking.suppress_one_way`, each two-way table with
    :func:`~industrial_brain.micro.benchmarking.suppress_two_way`; a cell suppressed in one table
    is suppressed in every table it appears in, and the tables are suppressed again until no
    table changes.

    Examples
    --------
    Sectors A (3 firms), B (4) and C (2, below k): C is primary, A (the smallest other) is
    complementary in the sector table, and so in every table where A appears (the candidate keeps
    the statistics; :func:`publish_tables` withholds them).

    >>> f = pd.DataFrame({"assessment_id": list("abcdefghi"), "uscc": list("abcdefghi"),
    ...                   "sector": list("AAABBBBCC"), "region": ["r"] * 9, "size_class": ["s"] * 9,
    ...                   "total_score": [40, 45, 50, 10, 20, 30, 40, 70, 80.0], "level": ["L2"] * 9})
    >>> c = release_cells(f, groupings=("sector", "region")).cells
    >>> c.loc[["sector=C", "sector=B", "sector=A", "ALL"], "suppression"].tolist()
    ['primary', '', 'complementary', '']
    >>> c.loc["sector=A|region=r", "suppression"], float(c.loc["sector=B", "mean"])
    ('complementary', 25.0)
    """
    groupings = tuple(groupings)
    if not 1 <= len(groupings) <= 3 or len(set(groupings)) != len(groupings):
        raise InputError.at(
            "a release takes one to three distinct groupings",
            column="groupings",
            value=list(groupings),
            expected=", ".join(GROUPINGS),
        )
    if k < 1:
        raise InputError.at("k must be at least 1", column="k", value=k, expected="an integer >= 1")
    if not 0 <= p <= 100:
        raise InputError.at("p must be a percentage", column="p", value=p, expected="0 … 100")
    need = [contributor, unit, value, *groupings]
    for c in need:
        if c not in frame.columns:
            raise InputError.at("column missing from the release input", column=c, expected=", ".join(need))
    if frame[contributor].duplicated().any():
        dup = frame.loc[frame[contributor].duplicated(), contributor].iloc[0]
        raise InputError.at(
            "a contributor appears twice in one release",
            column=contributor,
            value=str(dup),
            expected="one row per assessment",
        )
    x = _nonnegative(frame[value].to_numpy(dtype=np.float64))
    vals = {g: _strings(frame[g]).to_numpy() for g in groupings}
    lvl, levels = None, []
    if level_column is not None and level_column in frame.columns:
        lab = _strings(frame[level_column])
        levels = list(level_codes) if level_codes is not None else sorted(lab.unique())
        pos = {c: i for i, c in enumerate(levels)}
        missing = sorted(set(lab) - set(pos))
        if missing:
            raise InputError.at(
                "level not among the level codes",
                column=level_column,
                value=missing[0],
                expected=", ".join(levels),
            )
        lvl = lab.map(pos).to_numpy(dtype=np.int64)
    contrib = frame[contributor].astype(str).to_numpy()
    units = frame[unit].astype(str).to_numpy()
    parts, mem = [], []
    for size in range(0, min(2, len(groupings)) + 1):
        for combo in combinations(groupings, size):
            if combo:
                keys = pd.Series(
                    ["|".join(t) for t in zip(*(np.char.add(f"{g}=", vals[g].astype(str)) for g in combo))]
                )
                codes, uniq = pd.factorize(keys, sort=True)
                uniq = list(uniq)
            else:
                codes, uniq = np.zeros(len(x), dtype=np.int64), [ALL]
            G = len(uniq)
            st = group_stats(codes, G, x, lvl, levels)
            st["total"] = np.bincount(codes, weights=x, minlength=G)
            st.index = pd.Index(uniq, name="key")
            st.insert(0, "grouping", "|".join(combo))
            for g in groupings:
                if g in combo:
                    first = np.zeros(G, dtype=np.int64)
                    first[codes[::-1]] = np.arange(len(codes))[::-1]
                    st[g] = vals[g][first] if len(codes) else []
                else:
                    st[g] = ALL
            sens = np.where(threshold_rule(st["n"].to_numpy(), k), "primary", "")
            dom = p_percent_rule(codes, G, x, p)
            if nk is not None:
                dom |= nk_rule(codes, G, x, *nk)
            st["suppression"] = np.where((sens == "") & dom & (st["n"].to_numpy() > 0), "dominance", sens)
            parts.append(st)
            mem.append(
                pd.DataFrame(
                    {"key": np.asarray(uniq, dtype=object)[codes], "contributor": contrib, "unit": units}
                )
            )
    cells = pd.concat(parts)
    cells = cells[["grouping", *groupings, *[c for c in cells.columns if c not in ("grouping", *groupings)]]]
    supp = cells["suppression"].to_dict()
    tables = [t for t in TABLES if set(t) <= set(groupings)] or [groupings[:1]]
    for _ in range(len(cells) + 1):
        changed = False
        for t in tables:
            for key in _suppress_table(cells, t, supp, k):
                if not supp[key]:
                    supp[key] = "complementary"
                    changed = True
        if not changed:
            break
    cells["suppression"] = pd.Series(supp)
    members = pd.concat(mem, ignore_index=True)
    lin = Lineage.make(
        "micro.disclosure.release_cells",
        {"groupings": list(groupings), "k": k, "p": p, "nk": list(nk) if nk else None, "n": len(frame)},
    )
    return ReleaseCandidate(cells, members, tuple(levels), k, p, nk, lin)


def _margin_values(cells: pd.DataFrame, g: str) -> list[str]:
    """Values of grouping ``g`` (its one-way cells), sorted."""
    return sorted(cells.loc[cells["grouping"] == g, g])


def _suppress_table(cells: pd.DataFrame, t: Sequence[str], supp: dict, k: int) -> list[str]:
    """Keys suppressed in table ``t`` given the current pattern ``supp`` (sensitive or already hidden)."""
    n_of = cells["n"]
    if len(t) == 1:
        keys = list(cells.index[cells["grouping"] == t[0]])
        n = n_of.loc[keys].to_numpy(dtype=np.int64)
        prim = np.array([bool(supp[q]) for q in keys], dtype=bool)
        s, tot, _ = suppress_one_way(n, int(n_of[ALL]), k, primary=prim, primary_total=bool(supp[ALL]))
        return [q for q, on in zip(keys, s) if on] + ([ALL] if tot else [])
    a, b = t
    rows, cols = _margin_values(cells, a), _margin_values(cells, b)
    R, C = len(rows), len(cols)
    keys = np.empty((R + 1, C + 1), dtype=object)
    for i, r in enumerate(rows):
        for j, c in enumerate(cols):
            keys[i, j] = f"{a}={r}|{b}={c}"
        keys[i, C] = f"{a}={r}"
    for j, c in enumerate(cols):
        keys[R, j] = f"{b}={c}"
    keys[R, C] = ALL
    n = np.array([[int(n_of.get(q, 0)) for q in row] for row in keys], dtype=np.int64)
    prim = np.array([[bool(supp.get(q, "")) for q in row] for row in keys], dtype=bool)
    S, _ = suppress_two_way(n, k, primary=prim)
    return [q for q, on, m in zip(keys.ravel(), S.ravel(), n.ravel()) if on and m > 0]


# ---- the release audit ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReleaseAudit(ResultMixin):
    """What the audit of a candidate release against the earlier releases found and withheld.

    ``dropped``: candidate cell keys withheld (``suppression='release'``), in the order dropped.
    ``violations``: one row per disclosed group found, per round: ``round``, ``kind`` (``firm`` —
    one firm's assessments, ``pair`` — two firms', ``cell`` — a sensitive cell that followed from
    the published ones), ``firms`` (how many), ``units`` (which: core-grade, never to be served),
    ``contributors``, ``cell`` (for ``cell``), ``dropped`` (the
    candidate cell withheld for it, empty when no candidate cell touches it: disclosed by earlier
    releases alone, which the induction excludes unless their parameters differed).
    ``rows``, ``atoms``, ``rank``: size of the final stacked matrix, atom-reduced, and its rank.
    """

    dropped: tuple[str, ...]
    violations: pd.DataFrame
    rounds: int
    rows: int
    atoms: int
    rank: int
    k: int
    tol: float
    lineage: Lineage = field(repr=False)

    title_en = "Release audit across tables and releases"
    title_zh = "跨表跨版本发布审核"

    @property
    def clean(self) -> bool:
        """True when the audited release leaves no checked group disclosed (every group found was
        resolved by withholding a candidate cell)."""
        return not (self.violations["dropped"] == "").any()

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:
        zh = lang == "zh"
        yield ("审核轮数" if zh else "rounds", self.rounds)
        yield ("发现的披露" if zh else "disclosures found", len(self.violations))
        yield ("撤回单元格" if zh else "cells withheld", len(self.dropped))
        yield ("已发布行" if zh else "published rows", self.rows)
        yield ("原子" if zh else "atoms", self.atoms)
        yield ("秩" if zh else "rank", self.rank)

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        check_lang(lang)
        return self.violations.copy()


def _atoms(row: np.ndarray, contrib: np.ndarray, C: int) -> tuple[np.ndarray, np.ndarray]:
    """Atom of every contributor (identical sets of published rows) and each atom's sorted row list
    (padded with −1); exact (``np.unique`` over the padded lists)."""
    if not len(row):
        return np.zeros(C, dtype=np.int64), np.full((1, 0), -1, dtype=np.int64)
    order = np.lexsort((row, contrib))
    r, c = row[order], contrib[order]
    counts = np.bincount(c, minlength=C)
    start = np.concatenate([[0], np.cumsum(counts)[:-1]])
    pad = np.full((C, int(counts.max())), -1, dtype=np.int64)
    pad[c, np.arange(len(c)) - start[c]] = r
    uniq, inv = np.unique(pad, axis=0, return_inverse=True)
    return inv.reshape(-1), uniq


def _basis(Ma: np.ndarray, rtol: float = 1e-10) -> np.ndarray:
    """Orthonormal basis (atoms × rank) of the row space of ``Ma`` (rows × atoms): pivoted QR of
    ``Ma.T`` after exact removal of duplicate rows."""
    if Ma.size == 0:
        return np.zeros((Ma.shape[1], 0))
    w = np.random.default_rng(0).integers(0, 1 << 20, Ma.shape[1]).astype(np.float64)
    h = Ma @ w
    _, first, inv = np.unique(h, return_index=True, return_inverse=True)
    rep = first[inv.reshape(-1)]
    same = np.all(Ma == Ma[rep], axis=1)
    keep = ~same | (rep == np.arange(len(rep)))
    A = np.ascontiguousarray(Ma[keep].T, dtype=np.float64)
    Q, R, _ = scipy.linalg.qr(A, mode="economic", pivoting=True, check_finite=False)
    d = np.abs(np.diag(R))
    rank = int((d > rtol * max(d[0], 1.0) * max(A.shape)).sum()) if len(d) else 0
    return Q[:, :rank]


def _top_eigs(Q: np.ndarray, groups: list[list[int]], chunk_bytes: int = 1 << 27) -> np.ndarray:
    """Top eigenvalue of the projector block :math:`Q_X Q_X^\top` for every atom set ``X`` of
    ``groups``, batched by block size (the Gram blocks are tiny: ``eigvalsh`` on a stack)."""
    out = np.zeros(len(groups))
    if not groups:
        return out
    sizes = np.array([len(g) for g in groups])
    r = max(Q.shape[1], 1)
    for s_ in np.unique(sizes):
        which = np.flatnonzero(sizes == s_)
        idx = np.array([groups[i] for i in which], dtype=np.int64).reshape(len(which), s_)
        step = max(1, chunk_bytes // (8 * s_ * r))
        for lo in range(0, len(which), step):
            Qs = Q[idx[lo : lo + step]]  # (m, s, r)
            if s_ == 1:
                out[which[lo : lo + step]] = (Qs[:, 0, :] ** 2).sum(axis=1)
                continue
            Gm = np.einsum("nir,njr->nij", Qs, Qs)
            out[which[lo : lo + step]] = np.linalg.eigvalsh(Gm)[:, -1]
    return out


def _disclosures(
    row: np.ndarray,
    contrib: np.ndarray,
    unit_of: np.ndarray,
    published: np.ndarray,
    protected_rows: np.ndarray,
    member_rows: list[np.ndarray],
    C: int,
    k: int,
    tol: float,
) -> tuple[list[tuple[str, np.ndarray, int]], int, int, int]:
    """Disclosed groups under the published rows: ``[(kind, contributors, protected row or −1)]``,
    and the number of published rows, atoms and the rank."""
    pub = published[row]
    r_p, c_p = row[pub], contrib[pub]
    atom_of, lists = _atoms(r_p, c_p, C)
    A = lists.shape[0]
    nonzero = (lists >= 0).any(axis=1)
    rows_used = np.unique(r_p)
    rpos = np.full(len(published), -1, dtype=np.int64)
    rpos[rows_used] = np.arange(len(rows_used))
    Ma = np.zeros((len(rows_used), A), dtype=np.float64)
    ai, li = np.nonzero(lists >= 0)
    Ma[rpos[lists[ai, li]], ai] = 1.0
    cols = np.flatnonzero(nonzero)
    Qn = _basis(Ma[:, cols])
    Q = np.zeros((A, Qn.shape[1]))
    Q[cols] = Qn
    found: list[tuple[str, np.ndarray, int]] = []
    # firms of every atom; atoms of fewer than k firms are the candidates of small groups
    au = pd.DataFrame({"atom": atom_of, "unit": unit_of}).drop_duplicates()
    nfirms = au.groupby("atom")["unit"].nunique()
    small = au[au["atom"].map(nfirms) <= min(2, k - 1)]
    firm_sets = small.groupby("atom")["unit"].apply(lambda s: tuple(sorted(s)))
    by_firm: dict[int, list[int]] = {}
    mixed: dict[tuple, list[int]] = {}
    for a, fs in firm_sets.items():
        if not nonzero[a]:
            continue
        (by_firm.setdefault(fs[0], []).append(a) if len(fs) == 1 else mixed.setdefault(fs, []).append(a))
    contribs_of_atom = pd.Series(np.arange(C)).groupby(atom_of).apply(np.asarray)
    lam: dict[int, float] = {}
    alone: set[int] = set()
    if k >= 2:
        fs = list(by_firm)
        tops = _top_eigs(Q, [by_firm[f] for f in fs])
        for F, top in zip(fs, tops):
            lam[F] = float(top)
            if top >= 1 - tol:
                alone.add(F)
                found.append(("firm", np.concatenate([contribs_of_atom[a] for a in by_firm[F]]), -1))
    if k >= 3:
        # pairs with mixed atoms always; other pairs only where λ_F + λ_G ≥ 1 (the block's top
        # eigenvalue is at most the sum of its diagonal blocks' top eigenvalues)
        firms = np.array([f for f in lam if f not in alone], dtype=np.int64)
        lv = np.array([lam[f] for f in firms])
        order = np.argsort(-lv, kind="stable")
        firms, lv = firms[order], lv[order]
        # for each i, the j > i with lv[j] ≥ 1 − tol − lv[i] form a prefix of the descending order
        ends = np.searchsorted(-lv, -(1 - tol - lv), side="right")
        cnt = np.maximum(ends - np.arange(len(lv)) - 1, 0)
        ii = np.repeat(np.arange(len(lv)), cnt)
        jj = np.arange(len(ii)) - np.repeat(np.cumsum(cnt) - cnt, cnt) + ii + 1
        F, G = np.minimum(firms[ii], firms[jj]), np.maximum(firms[ii], firms[jj])
        pairs = dict.fromkeys(zip(F.tolist(), G.tolist()))
        pairs.update(dict.fromkeys(pr for pr in mixed if pr[0] not in alone and pr[1] not in alone))
        plist = list(pairs)
        blocks = [by_firm.get(f, []) + by_firm.get(g, []) + mixed.get((f, g), []) for f, g in plist]
        for (f, g), X, top in zip(plist, blocks, _top_eigs(Q, blocks)):
            if top >= 1 - tol:
                found.append(("pair", np.concatenate([contribs_of_atom[a] for a in X]), -1))
    # sensitive cells: their membership vector must not lie in the row space
    size = np.bincount(atom_of, minlength=A)
    for r in np.flatnonzero(protected_rows):
        cs = member_rows[r]
        if not len(cs):
            continue
        at, cnt = np.unique(atom_of[cs], return_counts=True)
        if np.any(cnt != size[at]) or not nonzero[at].all():
            continue  # not whole atoms, or an unpublished contributor: not in the row space
        w = np.zeros(A)
        w[at] = 1.0
        res = w - Q @ (Q.T @ w)
        if res @ res <= tol * (w @ w):
            found.append(("cell", cs, int(r)))
    return found, len(rows_used), int(nonzero.sum()), Q.shape[1]


def audit_release(
    cells: pd.DataFrame,
    members: pd.DataFrame,
    *,
    k: int = 3,
    tol: float = 1e-9,
    max_rounds: int = 10_000,
    threads: int | None = 1,
) -> ReleaseAudit:
    """Audit a candidate release against every earlier release; withhold candidate cells until no
    group of fewer than ``k`` firms (singles and pairs) and no sensitive cell is disclosed.

    Parameters
    ----------
    cells : one row per cell per release: ``release_id``, ``key``, ``n``, ``published`` (bool),
        ``sensitive`` (bool: primary-suppressed; its total must stay undetermined) and
        ``candidate`` (bool: a cell of the release being made; only those can be withheld).
    members : ``release_id``, ``key``, ``contributor`` (assessment id), ``unit`` (firm).
    threads : BLAS threads for the QR (default 1: LAPACK's QR at these sizes is fastest on one
        thread when the machine is shared, and a server's release job must not take every core from
        the requests; None: the library's default).

    Returns
    -------
    ReleaseAudit — ``dropped`` lists the candidate keys to publish as ``suppression='release'``.

    Notes
    -----
    The criterion, its proof and what it does not cover are in the module docstring. Each round
    builds the atom-reduced matrix of the published rows, an orthonormal basis of its row space
    (pivoted QR), the leverages and the 1- and 2-firm blocks of the projector, and withholds, for
    every disclosed group, the touching candidate cell with the smallest ``n``.

    Examples
    --------
    Differencing over time: release 1 publishes cell A with firms a, b, c; the candidate release
    publishes A with a, b, c, d. A₂ − A₁ is d's score, so the candidate's A is withheld.

    >>> cells = pd.DataFrame({"release_id": ["r1", "r2"], "key": ["A", "A"], "n": [3, 4],
    ...                       "published": True, "sensitive": False, "candidate": [False, True]})
    >>> ids = list("abc") + list("abcd")
    >>> members = pd.DataFrame({"release_id": ["r1"] * 3 + ["r2"] * 4, "key": "A",
    ...                         "contributor": ids, "unit": ids})
    >>> a = audit_release(cells, members)
    >>> a.dropped, a.violations[["kind", "firms"]].values.tolist()
    (('A',), [['firm', 1]])

    Three firms joining at once are not disclosed (their sum is a group of 3 = k):

    >>> ids = list("abc") + list("abcdef")
    >>> members2 = pd.DataFrame({"release_id": ["r1"] * 3 + ["r2"] * 6, "key": "A",
    ...                          "contributor": ids, "unit": ids})
    >>> audit_release(cells.assign(n=[3, 6]), members2).dropped
    ()
    """
    cells = cells.reset_index(drop=True)
    need_c = ["release_id", "key", "n", "published", "sensitive", "candidate"]
    for c in need_c:
        if c not in cells.columns:
            raise InputError.at("column missing from the audit's cells", column=c, expected=", ".join(need_c))
    idx = pd.MultiIndex.from_arrays([cells["release_id"].astype(str), cells["key"].astype(str)])
    if idx.has_duplicates:
        raise InputError.at("a cell appears twice in one release", column="key", expected="unique keys")
    row = idx.get_indexer(
        pd.MultiIndex.from_arrays([members["release_id"].astype(str), members["key"].astype(str)])
    )
    if (row < 0).any():
        raise InputError.at(
            "a member's cell is not among the cells",
            column="key",
            value=str(members["key"].iloc[int(np.flatnonzero(row < 0)[0])]),
            expected="a key of the cells frame",
        )
    contrib, _ = pd.factorize(members["contributor"].astype(str))
    C = int(contrib.max()) + 1 if len(contrib) else 0
    unit_codes, unit_labels = pd.factorize(members["unit"].astype(str))
    unit_of = np.zeros(C, dtype=np.int64)
    unit_of[contrib] = unit_codes
    published = cells["published"].to_numpy(dtype=bool).copy()
    candidate = cells["candidate"].to_numpy(dtype=bool)
    protected = cells["sensitive"].to_numpy(dtype=bool) & (cells["n"].to_numpy(dtype=np.float64) > 0)
    n = cells["n"].to_numpy(dtype=np.float64)
    keys = cells["key"].astype(str).to_numpy()
    order = np.argsort(row, kind="stable")
    bounds = np.searchsorted(row[order], np.arange(len(cells) + 1))
    member_rows = [contrib[order[bounds[i] : bounds[i + 1]]] for i in range(len(cells))]

    def firms_of(cs: np.ndarray) -> tuple[str, ...]:
        return tuple(sorted(str(unit_labels[u]) for u in np.unique(unit_of[cs])))

    dropped: list[str] = []
    seen: set[tuple] = set()
    log = []
    rounds, n_rows, n_atoms, rank = 0, 0, 0, 0
    for rounds in range(1, max_rounds + 1):
        with threadpool_limits(limits=threads, user_api="blas"):
            found, n_rows, n_atoms, rank = _disclosures(
                row, contrib, unit_of, published, protected, member_rows, C, k, tol
            )
        picks: set[int] = set()
        for kind, cs, prow in found:
            sig = (kind, tuple(sorted(cs.tolist())))
            in_group = np.zeros(C, dtype=bool)
            in_group[cs] = True
            touch = np.unique(row[in_group[contrib] & published[row] & candidate[row]])
            if len(touch):
                best = touch[np.lexsort((keys[touch], n[touch]))[0]]
                picks.add(int(best))
                withheld = keys[best]
            elif sig in seen:
                continue
            else:  # nothing of the candidate touches it: logged once
                seen.add(sig)
                withheld = ""
            log.append((rounds, kind, firms_of(cs), len(cs), keys[prow] if prow >= 0 else "", withheld))
        if not picks:
            break
        for b in sorted(picks, key=lambda i: (n[i], keys[i])):
            published[b] = False
            dropped.append(str(keys[b]))
    viol = pd.DataFrame(log, columns=["round", "kind", "units", "contributors", "cell", "dropped"])
    viol.insert(2, "firms", viol["units"].map(len).astype(np.int64))
    lin = Lineage.make("micro.disclosure.audit_release", {"k": k, "tol": tol, "cells": len(cells)})
    return ReleaseAudit(tuple(dropped), viol, rounds, n_rows, n_atoms, rank, k, tol, lin)


# ---- publication ----------------------------------------------------------------------------------


def publish_tables(
    candidate: ReleaseCandidate,
    dropped: Iterable[str] = (),
    *,
    n_min: int = 10,
    tables: Sequence[Sequence[str]] | None = None,
) -> pd.DataFrame:
    """The published tables of a release: one row per table and cell (margins included).

    Columns: ``table`` (:func:`table_name`), ``key``, the groupings (``ALL`` for margins), ``n``,
    ``mean``, ``q1``, ``median``, ``q3``, ``share_<level>`` …, ``suppressed``, ``suppression``
    (``primary`` / ``dominance`` / ``complementary`` / ``release`` / ``""``). Suppressed cells have
    every statistic NaN; quartiles and shares are NaN where ``n < n_min``; published numbers are
    rounded as :data:`DECIMALS` says. Inner cells with no contributor are not listed.

    Examples
    --------
    Sector A has 10 firms scoring 20, 25, …, 65 (median 42.5), B has 3: B's mean is published, its
    quartiles are not (n < n_min = 10).

    >>> f = pd.DataFrame({"assessment_id": list("abcdefghijklm"), "uscc": list("abcdefghijklm"),
    ...                   "sector": list("AAAAAAAAAABBB"),
    ...                   "total_score": [*(np.arange(10) * 5.0 + 20), 70, 75, 80]})
    >>> t = publish_tables(release_cells(f, groupings=("sector",), level_column=None), n_min=10)
    >>> t.set_index("key").loc[["sector=A", "sector=B"], ["n", "mean", "median"]].values.tolist()
    [[10.0, 42.5, 42.5], [3.0, 75.0, nan]]
    """
    cells = candidate.cells.copy()
    dropped = set(dropped)
    status = cells["suppression"].where(
        ~cells.index.isin(list(dropped)) | (cells["suppression"] != ""), "release"
    )
    groupings = [g for g in GROUPINGS if g in cells.columns]
    stat_cols = [c for c in cells.columns if c not in ("grouping", *groupings, "suppression", "total")]
    share_cols = [c for c in stat_cols if c.startswith("share_")]
    quart = ["q1", "median", "q3"]
    tabs = (
        [tuple(t) for t in tables] if tables is not None else [t for t in TABLES if set(t) <= set(groupings)]
    )
    out = []
    g = cells["grouping"]
    for t in tabs:
        levels = ["|".join(t), *(t if len(t) == 2 else ()), ""]
        part = pd.concat([cells[(g == lv) & ((cells["n"] > 0) | (lv == ""))] for lv in levels])
        part = part[[*groupings, *stat_cols]].copy()
        part.insert(0, "key", part.index)
        part.insert(0, "table", "|".join(t))
        part["suppression"] = status.loc[part.index].to_numpy()
        out.append(part)
    frame = pd.concat(out, ignore_index=True)
    sup = frame["suppression"] != ""
    frame["suppressed"] = sup.to_numpy()
    frame.loc[sup, stat_cols] = np.nan
    small = frame["n"] < n_min
    frame.loc[small, quart + share_cols] = np.nan
    frame["mean"] = frame["mean"].round(DECIMALS["mean"])
    frame[quart] = frame[quart].round(DECIMALS["quartile"])
    if share_cols:
        frame[share_cols] = frame[share_cols].round(DECIMALS["share"])
    frame["n"] = frame["n"].astype(np.float64)
    cols = ["table", "key", *groupings, *stat_cols, "suppressed", "suppression"]
    return frame[cols]
