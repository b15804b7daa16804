"""Per-mu efficiency evaluation (亩均效益综合评价, "亩均论英雄"): scores, classes, ranks, prices, roll-ups.

Each firm-year takes the branch of its rule set that matches its type and land (e.g. 3 mu or more vs
smaller, :class:`~industrial_brain.micro.per_mu_rules.Branch`); each indicator :math:`i` of the branch
gives a value :math:`v_i = s_i \\sum_{num} x / \\sum_{den} x` and a score

.. math::

    p_i = \\min\\bigl(\\kappa_i w_i,\\ \\max(\\phi_i w_i,\\ w_i v_i / b_i)\\bigr),
    \\qquad P = \\sum_i p_i

(benchmark :math:`b`, weight :math:`w`, cap :math:`\\kappa` and floor :math:`\\phi` as multiples of the
weight). The class is cut by score (A if :math:`P \\ge c_A` …) or by the firm's share from the top
within its group (county × sector × year): with :math:`r` the firm's rank (1 = best, ties share the
best rank) among :math:`n`, :math:`q = (r - 1)/n` and A if :math:`q < c_A` …, so that ties take the
better class. The price adjustments of the firm's class come from the rule's pricing table.

Everything is vectorised over NumPy arrays (one pass per indicator, one grouped rank), written here
because no library implements these government scoring rules.

References
----------
浙江省人民政府《关于深化"亩均论英雄"改革的指导意见》, 浙政发〔2018〕5号 (2018-01): the six indicators of
above-scale industry and the differentiated factor prices by class.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd

from industrial_brain._shared.i18n import check_lang, label
from industrial_brain._shared.results import ResultMixin
from industrial_brain.errors import InputError
from industrial_brain.lineage import Lineage
from industrial_brain.micro.per_mu_rules import CLASSES, Branch, Indicator, PerMuRules

__all__ = [
    "indicator_value",
    "indicator_score",
    "classify_by_score",
    "classify_by_percentile",
    "PerMuResult",
    "evaluate_per_mu",
    "rollup",
    "price_adjustments",
    "lift_a_class",
]

_LABELS_ZH = {
    "uscc": "统一社会信用代码",
    "branch": "评价分组",
    "class": "类别",
    "prev_class": "上年类别",
    "class_change": "类别变化",
    "group_size": "组内企业数",
    "county": "县（市、区）",
    "province": "省份",
    "n_firms": "企业数",
    "tax_per_mu": "亩均税收",
    "va_per_mu": "亩均增加值",
    "mean_score": "平均得分",
    "suppressed": "已抑制",
    "contribution": "贡献",
}


def _label(key: str, lang: str) -> str:
    return _LABELS_ZH.get(key, label(key, lang)) if lang == "zh" else key


def indicator_value(frame: pd.DataFrame, ind: Indicator) -> np.ndarray:
    """The indicator's value per row, :math:`s \\sum_{num} x / \\sum_{den} x` (``inf`` for x/0, NaN for 0/0).

    Examples
    --------
    >>> from industrial_brain.micro.per_mu_rules import load_per_mu_rules
    >>> tax = load_per_mu_rules("linhai").branches[1].indicators[2]      # 单位电耗税收, 元/度
    >>> indicator_value(pd.DataFrame({"tax_10k_cny": [30.0], "electricity_kwh": [100_000.0]}), tax)
    array([3.])
    """
    num = np.add.reduce([frame[c].to_numpy(float) for c in ind.numerator])
    den = np.add.reduce([frame[c].to_numpy(float) for c in ind.denominator])
    with np.errstate(divide="ignore", invalid="ignore"):
        return ind.scale * num / den


def indicator_score(value: np.ndarray, ind: Indicator) -> np.ndarray:
    """:math:`\\min(\\kappa w, \\max(\\phi w, w v / b))`; NaN values (0/0) score the floor.

    An infinite value (a zero denominator) scores the cap; without a cap it stays infinite and
    :func:`evaluate_per_mu` refuses it.

    Examples
    --------
    >>> from industrial_brain.micro.per_mu_rules import load_per_mu_rules
    >>> tax = load_per_mu_rules("linhai").branches[0].indicators[0]      # benchmark 15, weight 40, cap 1.5
    >>> indicator_score(np.array([7.5, 15.0, 30.0, np.inf]), tax)
    array([20., 40., 60., 60.])
    """
    v = np.asarray(value, float)
    with np.errstate(invalid="ignore"):
        s = ind.weight * v / ind.benchmark
    s = np.where(np.isnan(s), ind.floor * ind.weight, s)
    s = np.maximum(s, ind.floor * ind.weight)
    if ind.cap is not None:
        s = np.minimum(s, ind.cap * ind.weight)
    return s


def classify_by_score(score: np.ndarray, cuts: dict[str, float]) -> np.ndarray:
    """Class codes 0–3 (A–D): A if :math:`P \\ge c_A`, B if :math:`P \\ge c_B`, C if :math:`P \\ge c_C`,
    else D.

    Examples
    --------
    >>> classify_by_score(np.array([100.0, 99.9, 70.0, 39.9]), {"A": 100, "B": 70, "C": 40})
    array([0, 1, 1, 3], dtype=int8)
    """
    s = np.asarray(score, float)
    thresholds = np.array([cuts["A"], cuts["B"], cuts["C"]])
    return (s[:, None] < thresholds[None, :]).sum(axis=1).astype(np.int8)


def _group_rank(score: np.ndarray, groups: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Rank (1 = best, ties share the best rank) and group size of each score within its group."""
    frame = pd.DataFrame({f"g{i}": g for i, g in enumerate(groups)})
    frame["s"] = score
    keys = [f"g{i}" for i in range(len(groups))]
    if not keys:
        rank = frame["s"].rank(method="min", ascending=False).to_numpy()
        return rank, np.full(len(score), len(score), dtype=float)
    grouped = frame.groupby(keys, sort=False, dropna=False)["s"]
    return grouped.rank(method="min", ascending=False).to_numpy(), grouped.transform("size").to_numpy(float)


def classify_by_percentile(rank: np.ndarray, n: np.ndarray, cuts: dict[str, float]) -> np.ndarray:
    """Class codes 0–3 from the share from the top :math:`q = (r - 1)/n`: A if :math:`q < c_A` …

    Examples
    --------
    With 20 firms and cuts 20 % / 70 % / 95 %, ranks 1–4 are A, 5–14 B, 15–19 C and 20 D:

    >>> r = np.arange(1, 21.0); classify_by_percentile(r, np.full(20, 20.0), {"A": .2, "B": .7, "C": .95})
    array([0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3], dtype=int8)
    """
    q = (np.asarray(rank, float) - 1) / np.asarray(n, float)
    thresholds = np.array([cuts["A"], cuts["B"], cuts["C"]])
    return (q[:, None] >= thresholds[None, :] - 1e-12).sum(axis=1).astype(np.int8)


def _branch_of(frame: pd.DataFrame, rules: PerMuRules) -> np.ndarray:
    """The index of each row's branch (first match), −1 when none matches."""
    land = frame["land_mu"].to_numpy(float)
    ftype = frame["firm_type"].astype(str).to_numpy() if "firm_type" in frame else None
    out = np.full(len(frame), -1, dtype=np.int16)
    for k, b in enumerate(rules.branches):
        ok = out == -1
        if b.firm_types:
            types = ftype if ftype is not None else np.full(len(frame), rules.default_firm_type)
            ok &= np.isin(types, b.firm_types)
        if b.land_mu_min is not None:
            ok &= land >= b.land_mu_min
        if b.land_mu_max is not None:
            ok &= land < b.land_mu_max
        out[ok] = k
    return out


def _require(frame: pd.DataFrame, columns, rules: PerMuRules, source: str | None) -> None:
    absent = sorted(set(columns) - set(frame.columns))
    if absent:
        raise InputError.at(
            f"the firms lack column(s) {', '.join(absent)} needed by rule {rules.code}",
            file=source,
            expected="the annual-account columns of the contract",
        )


def _line(frame: pd.DataFrame, pos: int, source: str | None, lines) -> int | None:
    """The file line of row ``pos`` of ``frame`` (``lines`` by original position, else position + 2)."""
    if source is None:
        return None
    orig = int(frame["_pos"].iloc[pos]) if "_pos" in frame else pos
    return int(lines[orig]) if lines is not None else orig + 2


def _refuse_missing(frame: pd.DataFrame, mask: np.ndarray, b: Branch, source: str | None, lines) -> None:
    for ind in b.indicators:
        if ind.missing != "refuse":
            continue
        for c in ind.columns:
            bad = mask & frame[c].isna().to_numpy()
            if bad.any():
                raise InputError.at(
                    f"missing input for indicator {ind.code} ({ind.name_zh}) of branch {b.code}",
                    file=source,
                    row=_line(frame, int(np.flatnonzero(bad)[0]), source, lines),
                    column=c,
                    expected="a number (the rule refuses firms without it)",
                )


@dataclass(frozen=True)
class PerMuResult(ResultMixin):
    """Scores of a per-mu evaluation, one row per evaluated firm-year.

    Attributes
    ----------
    rules : PerMuRules
        The rule set applied.
    scores : pandas.DataFrame
        The input columns plus ``branch, score, class, rank, group_size, prev_class, class_change``
        and per indicator ``value__<code>``, ``score__<code>`` (points) and ``contribution__<code>``
        (share of the total score). ``class_change`` is +1 per class gained since last year
        (NaN when the firm was not classed last year); rank 1 is the best within county × sector × year.
    not_evaluated : pandas.DataFrame
        ``uscc, year`` of the firms no branch covers (e.g. services under an industrial rule).
    notes : tuple[str, ...]
    lineage : Lineage
    """

    rules: PerMuRules
    scores: pd.DataFrame
    not_evaluated: pd.DataFrame
    notes: tuple[str, ...] = ()
    lineage: Lineage = field(default_factory=lambda: Lineage.make("micro.evaluate_per_mu"))

    title_en = "Per-mu efficiency evaluation"
    title_zh = "亩均效益综合评价"

    @property
    def indicators(self) -> dict[str, Indicator]:
        """Every indicator of the rule set by code (the first branch's definition for a shared code)."""
        out: dict[str, Indicator] = {}
        for b in self.rules.branches:
            for i in b.indicators:
                out.setdefault(i.code, i)
        return out

    def _summary_items(self, lang: str = "en"):
        zh = lang == "zh"
        shares = self.scores["class"].value_counts(normalize=True).reindex(list(CLASSES), fill_value=0)
        yield ("规则" if zh else "Rule set", f"{self.rules.code} v{self.rules.version}")
        yield ("企业年数" if zh else "Firm-years", len(self.scores))
        yield ("未评价" if zh else "Not evaluated", len(self.not_evaluated))
        for c in CLASSES:
            yield (f"{c}类占比" if zh else f"Share of class {c}", f"{shares[c]:.1%}")

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """One row per firm-year: ``uscc, year, branch, score, class, rank, prev_class, class_change``."""
        check_lang(lang)
        cols = [
            c
            for c in (
                "uscc",
                "year",
                "county",
                "sector",
                "branch",
                "score",
                "class",
                "rank",
                "group_size",
                "prev_class",
                "class_change",
            )
            if c in self.scores
        ]
        return self.scores[cols].rename(columns=lambda c: _label(c, lang))

    def indicator_frame(self, lang: str = "en") -> pd.DataFrame:
        """Long table: ``uscc, year, indicator, value, unit, score, contribution`` (indicators of
        other branches dropped)."""
        check_lang(lang)
        parts = []
        for code, ind in self.indicators.items():
            part = self.scores[["uscc", "year"]].copy()
            part["indicator"] = code if lang == "en" else ind.name_zh
            part["value"] = self.scores[f"value__{code}"]
            part["unit"] = ind.unit
            part["score"] = self.scores[f"score__{code}"]
            part["contribution"] = self.scores[f"contribution__{code}"]
            parts.append(part[part["score"].notna()])
        out = pd.concat(parts, ignore_index=True).sort_values(["uscc", "year"], kind="stable")
        return out.reset_index(drop=True).rename(columns=lambda c: _label(c, lang))


def evaluate_per_mu(
    firms: pd.DataFrame,
    rules: PerMuRules,
    *,
    year: int | None = None,
    source: str | None = None,
    lines: np.ndarray | None = None,
) -> PerMuResult:
    """Score, class and rank every firm-year of ``firms`` under ``rules`` (see the module docstring).

    Parameters
    ----------
    firms : DataFrame
        The account columns the rule reads (:attr:`PerMuRules.columns`) plus ``uscc, year, land_mu``;
        optional ``county, sector`` (ranks and percentile classes group by them), ``firm_type``
        (``industrial_above``, ``industrial_below``, ``services``; default the rule's).
    year : int, optional
        Keep this year only (the previous year, when present, still gives ``prev_class``).
    source : str, optional
        The file the frame came from: errors then name its line, ``lines[i]`` for row ``i`` of
        ``firms`` (default ``i + 2``, below a header line).

    Raises
    ------
    InputError
        A missing input the rule refuses, a zero denominator of an uncapped indicator, a missing column.

    Examples
    --------
    >>> from industrial_brain.micro.per_mu_rules import load_per_mu_rules
    >>> f = pd.DataFrame({"uscc": ["X"], "year": [2023], "land_mu": [10.0], "tax_10k_cny": [150.0],
    ...     "revenue_10k_cny": [3000.0], "value_added_10k_cny": [600.0], "energy_tce": [200.0],
    ...     "cod_t": [1.2], "water_t": [6000.0], "employees": [40]})
    >>> r = evaluate_per_mu(f, load_per_mu_rules("linhai"))
    >>> float(r.scores.loc[0, "score"]), r.scores.loc[0, "class"]
    (100.0, 'A')
    """
    _require(firms, ("uscc", "year", "land_mu"), rules, source)
    keep_year = year
    frame = firms.assign(_pos=np.arange(len(firms))) if source is not None else firms
    if year is not None:
        frame = firms[firms["year"].isin([year, year - 1])]
    branch = _branch_of(frame, rules)
    used = [b for k, b in enumerate(rules.branches) if (branch == k).any()]
    _require(frame, [c for b in used for i in b.indicators for c in i.columns], rules, source)
    notes: list[str] = []
    outside = sorted(y for y in pd.unique(frame["year"]) if not rules.in_force(int(y)))
    if outside:
        notes.append(
            f"rule {rules.code} v{rules.version} is in force from {rules.effective_from.isoformat()}"
            + (f" to {rules.effective_to.isoformat()}" if rules.effective_to else "")
            + f"; applied anyway to {', '.join(str(int(y)) for y in outside)}"
        )
    covered = branch >= 0
    not_evaluated = frame.loc[~covered, ["uscc", "year"]].reset_index(drop=True)
    if (~covered).any():
        notes.append(
            f"{int((~covered).sum())} firm-year(s) outside every branch of {rules.code}: not evaluated"
        )
    frame, branch = frame[covered], branch[covered]
    out = frame.reset_index(drop=True).copy()
    total = np.zeros(len(frame))
    codes = list(dict.fromkeys(i.code for b in rules.branches for i in b.indicators))
    values = {c: np.full(len(frame), np.nan) for c in codes}
    points = {c: np.full(len(frame), np.nan) for c in codes}
    for k, b in enumerate(rules.branches):
        mask = branch == k
        if not mask.any():
            continue
        _refuse_missing(frame, mask, b, source, lines)
        sub = frame[mask]
        for ind in b.indicators:
            v = indicator_value(sub, ind)
            s = indicator_score(v, ind)
            if ind.missing == "zero":
                s = np.where(np.isnan(sub[list(ind.columns)].to_numpy(float)).any(axis=1), 0.0, s)
            if np.isinf(s).any():
                pos = int(np.flatnonzero(mask)[np.flatnonzero(np.isinf(s))[0]])
                raise InputError.at(
                    f"zero denominator in uncapped indicator {ind.code}",
                    file=source,
                    row=_line(frame, pos, source, lines),
                    column=ind.denominator[0],
                    expected="a positive number (or a cap in the rule)",
                )
            values[ind.code][mask] = v
            points[ind.code][mask] = s
            total[mask] += s
    out["branch"] = np.array([b.code for b in rules.branches], dtype=object)[branch] if len(out) else []
    out["score"] = total
    with np.errstate(invalid="ignore", divide="ignore"):
        for c in codes:
            out[f"value__{c}"] = values[c]
            out[f"score__{c}"] = points[c]
            out[f"contribution__{c}"] = np.where(total > 0, points[c] / total, np.nan)
    rank_by = [g for g in ("county", "sector") if g in out] + ["year"]
    rank, n = _group_rank(total, [out[g].to_numpy() for g in rank_by])
    if rules.classes.method == "score":
        code = classify_by_score(total, rules.classes.cuts)
    else:
        class_by = [g for g in rules.classes.group_by if g in out] + ["year"]
        skipped = [g for g in rules.classes.group_by if g not in out]
        if skipped:
            notes.append(f"percentile classes not grouped by {', '.join(skipped)} (column absent)")
        same = class_by == rank_by
        crank, cn = (rank, n) if same else _group_rank(total, [out[g].to_numpy() for g in class_by])
        code = classify_by_percentile(crank, cn, rules.classes.cuts)
    out["rank"] = rank.astype(np.int64)
    out["group_size"] = n.astype(np.int64)
    out["class"] = np.array(CLASSES, dtype=object)[code] if len(out) else []
    out["_class_code"] = code
    prev = out[["uscc", "year", "_class_code"]].assign(year=out["year"] + 1)
    prev = prev.rename(columns={"_class_code": "_prev_code"})
    merged = out[["uscc", "year"]].merge(prev, on=["uscc", "year"], how="left")
    if len(merged) != len(out):
        raise InputError.at(
            "a firm appears twice for one year",
            file=source,
            column="uscc",
            expected="one row per firm and year",
        )
    prev_code = merged["_prev_code"].to_numpy(float)
    out["prev_class"] = pd.Series(prev_code).map(dict(enumerate(CLASSES))).to_numpy(object)
    out["class_change"] = prev_code - code
    out = out.drop(columns=[c for c in ("_class_code", "_pos") if c in out])
    if keep_year is not None:
        out = out[out["year"] == keep_year].reset_index(drop=True)
        not_evaluated = not_evaluated[not_evaluated["year"] == keep_year].reset_index(drop=True)
    lineage = Lineage.make(
        "micro.evaluate_per_mu", {"rules": rules.code, "version": rules.version, "year": year}
    )
    return PerMuResult(
        rules=rules, scores=out, not_evaluated=not_evaluated, notes=tuple(notes), lineage=lineage
    )


def price_adjustments(result: PerMuResult) -> pd.DataFrame:
    """The rule's differentiated factor prices for each firm's class (差别化要素价格).

    Columns ``uscc, year, class, factor, unit, adjustment`` and ``extra_cost_10k_cny`` (adjustment ×
    usage ÷ 10,000 for a factor priced per unit of an account column such as ``electricity_kwh``;
    NaN for a rate).

    Examples
    --------
    >>> from industrial_brain.micro.per_mu_rules import load_per_mu_rules
    >>> rules = load_per_mu_rules("linhai")
    >>> scores = pd.DataFrame({"uscc": ["X"], "year": [2023], "class": ["D"], "electricity_kwh": [2e6],
    ...     "water_t": [1e4]})
    >>> res = PerMuResult(rules=rules, scores=scores, not_evaluated=scores[[]])
    >>> p = price_adjustments(res).set_index("factor")
    >>> p.loc["electricity", ["adjustment", "extra_cost_10k_cny"]].tolist()
    [0.1, 20.0]
    """
    s = result.scores
    parts = []
    for row in result.rules.pricing:
        adj = s["class"].map({c: getattr(row, c) for c in CLASSES}).to_numpy(float)
        part = pd.DataFrame(
            {
                "uscc": s["uscc"].to_numpy(),
                "year": s["year"].to_numpy(),
                "class": s["class"].to_numpy(),
                "factor": row.factor,
                "unit": row.unit,
                "adjustment": adj,
            }
        )
        usage = s[row.usage].to_numpy(float) if row.usage and row.usage in s else np.full(len(s), np.nan)
        part["extra_cost_10k_cny"] = adj * usage / 1e4
        parts.append(part)
    if not parts:
        return pd.DataFrame(
            columns=["uscc", "year", "class", "factor", "unit", "adjustment", "extra_cost_10k_cny"]
        )
    return pd.concat(parts, ignore_index=True)


def rollup(
    result: PerMuResult,
    by: str = "county",
    *,
    k: int = 3,
    suppress: Callable[[pd.DataFrame], pd.Series] | None = None,
) -> pd.DataFrame:
    """Aggregates per ``by`` (``county``, ``province``, ``sector``) and year: firms, class shares,
    per-mu tax and value added.

    :math:`\\text{tax per mu} = \\sum \\text{tax} / \\sum \\text{land}` (万元/亩), the same for value added
    (NaN when no firm reports it). Cells of fewer than ``k`` firms are suppressed (values NaN,
    ``suppressed`` true); ``suppress`` (a function of the table returning a boolean Series) marks
    more cells, e.g. a dominance rule. ``province`` is the ``province`` column, else the first two
    digits of a GB/T 2260 county code.

    Examples
    --------
    >>> from industrial_brain.micro.per_mu_rules import load_per_mu_rules
    >>> s = pd.DataFrame({"uscc": list("abcd"), "year": 2023, "county": ["331082"] * 3 + ["330102"],
    ...     "class": ["A", "B", "B", "C"], "score": [100.0, 80, 70, 50], "tax_10k_cny": [30.0, 20, 10, 5],
    ...     "value_added_10k_cny": [90.0, 60, 30, 20], "land_mu": [1.0, 2, 3, 1]})
    >>> res = PerMuResult(rules=load_per_mu_rules("linhai"), scores=s, not_evaluated=s[[]])
    >>> t = rollup(res, "county", k=2)
    >>> t[["county", "n_firms", "share_B", "tax_per_mu", "suppressed"]].values.tolist()
    [['330102', 1, nan, nan, True], ['331082', 3, 0.6666666666666666, 10.0, False]]
    >>> rollup(res, "province", k=2)[["province", "n_firms", "va_per_mu"]].values.tolist()
    [['330000', 4, 28.571428571428573]]
    """
    s = result.scores
    if by == "province" and "province" not in s:
        s = s.assign(province=s["county"].astype(str).str[:2] + "0000")
    if by not in s:
        raise InputError.at(
            "no such grouping column in the scores", column=by, expected="county, province or sector"
        )
    va = s["value_added_10k_cny"] if "value_added_10k_cny" in s else pd.Series(np.nan, index=s.index)
    work = pd.DataFrame(
        {
            by: s[by].to_numpy(),
            "year": s["year"].to_numpy(),
            "score": s["score"].to_numpy(),
            "tax": s["tax_10k_cny"].to_numpy(float),
            "va": va.to_numpy(float),
            "land": s["land_mu"].to_numpy(float),
        }
    )
    for c in CLASSES:
        work[f"share_{c}"] = (s["class"] == c).to_numpy(float)
    g = work.groupby([by, "year"], sort=True)
    table = g.agg(
        n_firms=("score", "size"),
        mean_score=("score", "mean"),
        **{f"share_{c}": (f"share_{c}", "mean") for c in CLASSES},
        tax=("tax", "sum"),
        va=("va", "sum"),
        va_n=("va", "count"),
        land=("land", "sum"),
    )
    table["tax_per_mu"] = table["tax"] / table["land"]
    table["va_per_mu"] = (table["va"] / table["land"]).where(table["va_n"] > 0)
    table = table.drop(columns=["tax", "va", "va_n", "land"]).reset_index()
    mask = table["n_firms"] < k
    if suppress is not None:
        mask |= suppress(table).astype(bool)
    values = ["mean_score", *[f"share_{c}" for c in CLASSES], "tax_per_mu", "va_per_mu"]
    table.loc[mask, values] = np.nan
    table["suppressed"] = mask.to_numpy()
    return table


def _piecewise_solve(
    a: np.ndarray, b: np.ndarray, lo: np.ndarray, hi: np.ndarray, t0: float, t_max: float, need: float
) -> float:
    """Smallest :math:`t \\ge t_0` (at most ``t_max``) with
    :math:`\\sum_i \\mathrm{clip}(a_i t + b_i, lo_i, hi_i)`
    rising by ``need`` over its value at :math:`t_0`; NaN when unreachable. Exact: the sum is
    piecewise linear, so each piece between breakpoints is solved in closed form."""

    def total(t: float) -> float:
        return float(np.clip(a * t + b, lo, hi).sum())

    base = total(t0)
    target = base + need
    with np.errstate(divide="ignore", invalid="ignore"):
        bps = np.concatenate([(lo - b) / a, (hi - b) / a])
    bps = np.unique(bps[np.isfinite(bps) & (bps > t0)])
    bps = np.append(bps[bps < t_max], t_max)
    left = t0
    for right in bps:
        mid = (left + right) / 2 if np.isfinite(right) else left + 1.0
        active = (a * mid + b > lo) & (a * mid + b < hi)
        slope = float(a[active].sum())
        at_left = total(left)
        if slope > 0:
            t = left + (target - at_left) / slope
            if t <= right + 1e-12 * max(1.0, abs(right)):
                return max(t, left)
        left = right
    return float("nan")


def _why_not(in_numerator: bool, in_denominator: bool) -> str:
    if in_numerator and in_denominator:
        return "the input is in a numerator and a denominator: not answered"
    if in_denominator:
        return "its indicators reach their caps, or the input would have to fall below zero, first"
    return "its indicators reach their caps first"


def lift_a_class(result: PerMuResult, uscc: str, year: int) -> pd.DataFrame:
    """The smallest change in each input, others fixed, that lifts the firm to the next class.

    Score rules: the target is the next class's cut. Percentile rules: the lowest score of the
    firms now in the next class of the firm's group (reaching it ranks the firm with them, holding
    the others fixed). A numerator column rises, a denominator column falls; the score is piecewise
    linear in the column (numerator) or in its reciprocal (denominator, the same other denominator
    terms in each indicator), so the answer is exact (caps respected). A column in both a numerator
    and a denominator, or with different denominator partners, is not answered (NaN).

    Columns: ``column, current, needed, change, change_pct, target_class, target_score, reachable,
    why_not`` (why an input alone cannot do it).

    Examples
    --------
    >>> from industrial_brain.micro.per_mu_rules import load_per_mu_rules
    >>> f = pd.DataFrame({"uscc": ["X"], "year": [2023], "land_mu": [2.0], "tax_10k_cny": [20.0],
    ...     "revenue_10k_cny": [400.0], "electricity_kwh": [200_000.0]})
    >>> r = evaluate_per_mu(f, load_per_mu_rules("linhai"))
    >>> float(r.scores.loc[0, "score"]), r.scores.loc[0, "class"]
    (61.66666666666667, 'C')

    B needs 70 points, 8.33 more. Tax raises 亩均税收 by 50/(15·2) and 单位电耗税收 by
    30·10⁴/(2·200,000) points per 万元, 2.4167 in all: 8.333/2.4167 = 3.448 万元 more.

    >>> round(float(lift_a_class(r, "X", 2023).set_index("column").loc["tax_10k_cny", "needed"]), 4)
    23.4483
    """
    s = result.scores
    hit = s[(s["uscc"] == uscc) & (s["year"] == year)]
    if hit.empty:
        raise InputError.at("no evaluated firm-year", column="uscc", value=f"{uscc} {year}")
    row = hit.iloc[0]
    code = CLASSES.index(row["class"])
    cols = [
        "column",
        "current",
        "needed",
        "change",
        "change_pct",
        "target_class",
        "target_score",
        "reachable",
        "why_not",
    ]
    if code == 0:
        return pd.DataFrame(columns=cols)
    target_class = CLASSES[code - 1]
    rules = result.rules
    if rules.classes.method == "score":
        target = rules.classes.cuts[target_class]
    else:
        peers = s[s["year"] == year]
        for g in rules.classes.group_by:
            if g in s:
                peers = peers[peers[g] == row[g]]
        target = float(peers.loc[peers["class"] == target_class, "score"].min())
    branch = next(b for b in rules.branches if b.code == row["branch"])
    need = target - float(row["score"])
    out = []
    for col in dict.fromkeys(c for i in branch.indicators for c in i.columns):
        uses = [i for i in branch.indicators if col in i.columns]
        num_side = [i for i in uses if col in i.numerator]
        den_side = [i for i in uses if col in i.denominator]
        x0 = float(row[col])
        needed = float("nan")
        if num_side and not den_side:
            a, b, lo, hi = [], [], [], []
            for i in num_side:
                n0 = sum(float(row[c]) for c in i.numerator) - x0
                d = sum(float(row[c]) for c in i.denominator)
                k = i.weight * i.scale / (i.benchmark * d) if d > 0 else 0.0
                a.append(k), b.append(k * n0 if d > 0 else float(row[f"score__{i.code}"]))
                lo.append(i.floor * i.weight), hi.append(i.cap * i.weight if i.cap else np.inf)
            needed = _piecewise_solve(np.array(a), np.array(b), np.array(lo), np.array(hi), x0, np.inf, need)
        elif den_side and not num_side:
            offsets = {sum(float(row[c]) for c in i.denominator) - x0 for i in den_side}
            if len(offsets) == 1:
                off = offsets.pop()
                a = np.array(
                    [
                        i.weight * i.scale * sum(float(row[c]) for c in i.numerator) / i.benchmark
                        for i in den_side
                    ]
                )
                lo = np.array([i.floor * i.weight for i in den_side])
                hi = np.array([i.cap * i.weight if i.cap else np.inf for i in den_side])
                t0 = 1 / (x0 + off) if x0 + off > 0 else np.inf
                t_max = 1 / off if off > 0 else np.inf
                t = (
                    _piecewise_solve(a, np.zeros_like(a), lo, hi, t0, t_max, need)
                    if np.isfinite(t0)
                    else np.nan
                )
                needed = 1 / t - off if t > 0 else float("nan")
        change = needed - x0
        out.append(
            {
                "column": col,
                "current": x0,
                "needed": needed,
                "change": change,
                "change_pct": change / x0 if x0 else np.nan,
                "target_class": target_class,
                "target_score": target,
                "reachable": bool(np.isfinite(needed)),
                "why_not": "" if np.isfinite(needed) else _why_not(bool(num_side), bool(den_side)),
            }
        )
    return pd.DataFrame(out, columns=cols)
