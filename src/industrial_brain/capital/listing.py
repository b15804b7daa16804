"""Listing-board eligibility (上市板块适配): the market-value and financial standards of the STAR
Market (科创板), ChiNext (创业板) and the Beijing Stock Exchange (北交所) as versioned rule sets,
each firm's result per standard with its margin.

A rule set (``config/listing_rules/<board>.yaml``) holds versions, each with its effective date,
source document and date, and standards; a standard is met when every condition of one of its
alternatives holds (the rules' "或者"). A condition compares a measure of the firm's accounts with a
threshold (``>=`` 不低于, ``>`` 为正). The measures (amounts in 亿元, shares in %), for the latest
year *T* of a firm's accounts:

* ``market_value`` — expected market value (预计市值) of year *T*;
* ``net_profit_t``, ``net_profit_min_2y``, ``net_profit_sum_2y`` — net profit of *T*, the smaller
  and the sum of *T−1* and *T*; net profit is the lower of before and after non-recurring items
  (扣除非经常性损益前后孰低);
* ``revenue_t``, ``revenue_mean_2y``, ``revenue_growth_t`` (``100 (R_T / R_{T−1} − 1)``);
* ``rd_share_3y = 100 Σ_{T−2..T} RD / Σ R``, ``rd_share_2y``, ``rd_sum_2y``;
* ``operating_cash_flow_t``, ``operating_cash_flow_sum_3y``; ``roe_t``, ``roe_mean_2y``
  (weighted average return on equity, %); ``neeq_innovation_tier_months`` (BSE precondition).

A measure needing years the accounts lack is missing, and a condition on it undecided (the standard
is then reported ``unknown`` unless another alternative is met; ``not met`` needs every alternative
to fail on a known measure). The **margin** of a condition is
``v − t`` in the measure's unit and ``(v − t)/t`` relative (for t > 0); the *binding* condition of an
alternative is the one with the smallest relative margin (a failed condition on a zero threshold
binds first), and a standard's margin is that of its best alternative. Qualitative conditions (the
STAR Market's fifth standard) are named, not assessed.

References
----------
上海证券交易所科创板股票上市规则 (2019; rev. 2020, 2024), art. 2.1.2; 深圳证券交易所创业板股票上市
规则 (2020 rev.; 2024 rev.), art. 2.1.2; 北京证券交易所股票上市规则（试行） (2021; rev. 2024),
arts. 2.1.2–2.1.3. Each rule file cites its version's document and date.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from industrial_brain._shared.config import list_configs, load_config
from industrial_brain._shared.i18n import check_lang, label
from industrial_brain._shared.results import ResultMixin
from industrial_brain.errors import InputError
from industrial_brain.lineage import Lineage

BOARDS = ("star", "chinext", "bse")
#: Columns of the firm accounts (amounts CNY; one row per firm and year).
ACCOUNT_COLUMNS = (
    "uscc", "year", "revenue", "net_profit", "net_profit_deducted", "rd_expense", "operating_cash_flow",
    "total_assets", "total_liabilities", "roe_weighted_pct", "expected_market_value",
    "neeq_innovation_tier_months",
)  # fmt: skip
MEASURES = (
    "market_value", "net_profit_t", "net_profit_min_2y", "net_profit_sum_2y", "revenue_t", "revenue_mean_2y",
    "revenue_growth_t", "rd_share_3y", "rd_share_2y", "rd_sum_2y", "operating_cash_flow_t",
    "operating_cash_flow_sum_3y", "roe_t", "roe_mean_2y", "neeq_innovation_tier_months",
)  # fmt: skip
UNITS = {m: "10^8 CNY" for m in MEASURES} | {
    "revenue_growth_t": "%", "rd_share_3y": "%", "rd_share_2y": "%", "roe_t": "%", "roe_mean_2y": "%",
    "neeq_innovation_tier_months": "months",
}  # fmt: skip
OPS = (">=", ">")
_YI = 1e8


@dataclass(frozen=True)
class RuleVersion:
    """One version of a board's rules: ``standards`` a list of dicts (id, name_zh, alternatives …)."""

    board: str
    version: str
    effective: _dt.date
    source: str
    source_date: _dt.date
    standards: tuple
    precondition: dict | None = None
    name_zh: str = ""
    name_en: str = ""


def _date(v: Any, where: str) -> _dt.date:
    if isinstance(v, _dt.date):
        return v
    try:
        return _dt.date.fromisoformat(str(v))
    except ValueError:
        raise InputError.at(
            "not a date", file=where, value=v, expected="an ISO date such as 2024-04-30"
        ) from None


def _check_condition(c: Any, where: str) -> dict:
    if not isinstance(c, dict) or c.get("measure") not in MEASURES or c.get("op") not in OPS:
        raise InputError.at(
            "bad condition",
            file=where,
            value=c,
            expected=f"{{measure: one of {', '.join(MEASURES)}, op: >= | >, threshold}}",
        )
    try:
        t = float(c["threshold"])
    except (KeyError, TypeError, ValueError):
        raise InputError.at(
            "bad threshold", file=where, value=c.get("threshold"), expected="a number"
        ) from None
    return {"measure": c["measure"], "op": c["op"], "threshold": t}


def load_rules(board: str) -> list[RuleVersion]:
    """The versions of one board's shipped rule set (``star``, ``chinext`` or ``bse``), or of a
    rule file given by path, oldest first; every condition checked."""
    name = {"star": "star_market"}.get(board, board)
    raw = load_config("listing_rules", name)
    where = f"{name}.yaml"
    out = []
    pre = raw.get("precondition")
    pre = _check_condition(pre, where) if pre else None
    for v in raw.get("versions") or []:
        stds = []
        for s in v.get("standards") or []:
            alts = [[_check_condition(c, where) for c in alt] for alt in s.get("alternatives") or []]
            if not alts:
                raise InputError.at("standard without conditions", file=where, value=s.get("id"))
            stds.append({**s, "alternatives": alts})
        out.append(
            RuleVersion(
                board=raw.get("board", board),
                version=str(v["version"]),
                effective=_date(v["effective"], where),
                source=str(v.get("source", "")),
                source_date=_date(v.get("source_date", v["effective"]), where),
                standards=tuple(stds),
                precondition=pre,
                name_zh=raw.get("name_zh", ""),
                name_en=raw.get("name_en", ""),
            )
        )
    return sorted(out, key=lambda r: r.effective)


def rule_files() -> list[str]:
    """The shipped rule sets (file names without .yaml)."""
    return list_configs("listing_rules")


def version_in_force(versions: list[RuleVersion], on: _dt.date | str | None) -> RuleVersion:
    """The version whose effective date is the latest on or before ``on`` (today when None).

    >>> v = version_in_force(load_rules("chinext"), "2024-04-29")
    >>> v.version, version_in_force(load_rules("chinext"), "2024-04-30").version
    ('2020', '2024')
    """
    day = _dt.date.today() if on is None else _date(on, "on")
    live = [v for v in versions if v.effective <= day]
    if not live:
        raise InputError.at(
            "no listing rules in force on that date", column="on", value=str(day),
            expected=f"a date on or after {versions[0].effective}",
        )  # fmt: skip
    return live[-1]


def listing_measures(accounts: pd.DataFrame, year: int | None = None) -> pd.DataFrame:
    """The measures (:data:`MEASURES`) per firm from yearly accounts in CNY (:data:`ACCOUNT_COLUMNS`),
    for ``year`` (default: each firm's latest year). Amounts in 亿元.

    >>> acc = pd.DataFrame({"uscc": ["A", "A"], "year": [2023, 2024], "revenue": [1e8, 1.5e8],
    ...     "net_profit": [3e7, 4e7], "net_profit_deducted": [2.5e7, 4.2e7], "rd_expense": [1e7, 2e7]})
    >>> m = listing_measures(acc).iloc[0]
    >>> float(m.net_profit_sum_2y), float(m.revenue_growth_t), float(m.rd_share_2y)
    (0.65, 50.0, 12.0)
    """
    if "uscc" not in accounts.columns or "year" not in accounts.columns:
        raise InputError.at(
            "parameter 'accounts': missing column", column="uscc, year", expected=", ".join(ACCOUNT_COLUMNS)
        )
    A = accounts.copy()
    for c in ACCOUNT_COLUMNS[2:]:
        if c not in A.columns:
            A[c] = np.nan
        A[c] = pd.to_numeric(A[c], errors="coerce")
    A["year"] = A["year"].astype(int)
    npf = A[["net_profit", "net_profit_deducted"]].min(axis=1, skipna=True)
    A["np_"] = npf.where(A[["net_profit", "net_profit_deducted"]].notna().any(axis=1))
    T = A.groupby("uscc")["year"].max() if year is None else pd.Series(year, index=A["uscc"].unique())
    A = A.set_index(["uscc", "year"]).sort_index()

    def at(col: str, lag: int) -> pd.Series:
        idx = pd.MultiIndex.from_arrays([T.index, T.to_numpy() - lag])
        return pd.Series(A[col].reindex(idx).to_numpy(), index=T.index)

    yi = 1 / _YI
    np0, np1 = at("np_", 0), at("np_", 1)
    r0, r1, r2 = at("revenue", 0), at("revenue", 1), at("revenue", 2)
    d0, d1, d2 = at("rd_expense", 0), at("rd_expense", 1), at("rd_expense", 2)
    c0, c1, c2 = at("operating_cash_flow", 0), at("operating_cash_flow", 1), at("operating_cash_flow", 2)
    out = pd.DataFrame(
        {
            "year": T,
            "market_value": at("expected_market_value", 0) * yi,
            "net_profit_t": np0 * yi,
            "net_profit_min_2y": np.minimum(np0, np1) * yi,
            "net_profit_sum_2y": (np0 + np1) * yi,
            "revenue_t": r0 * yi,
            "revenue_mean_2y": (r0 + r1) / 2 * yi,
            "revenue_growth_t": (r0 / r1.where(r1 > 0) - 1) * 100,
            "rd_share_3y": (d0 + d1 + d2) / (r0 + r1 + r2).where(lambda x: x > 0) * 100,
            "rd_share_2y": (d0 + d1) / (r0 + r1).where(lambda x: x > 0) * 100,
            "rd_sum_2y": (d0 + d1) * yi,
            "operating_cash_flow_t": c0 * yi,
            "operating_cash_flow_sum_3y": (c0 + c1 + c2) * yi,
            "roe_t": at("roe_weighted_pct", 0),
            "roe_mean_2y": (at("roe_weighted_pct", 0) + at("roe_weighted_pct", 1)) / 2,
            "neeq_innovation_tier_months": at("neeq_innovation_tier_months", 0),
        }
    )
    out.index.name = "uscc"
    return out


def _condition(M: pd.DataFrame, c: dict):
    v = M[c["measure"]].to_numpy(float)
    t = c["threshold"]
    ok = v >= t if c["op"] == ">=" else v > t
    known = ~np.isnan(v)
    margin = v - t
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(t > 0, margin / abs(t) if t else 0.0, np.where(ok, np.inf, -np.inf))
    return ok & known, known, margin, rel


@dataclass(frozen=True)
class EligibilityResult(ResultMixin):
    """Each firm's result per board, version and standard (:func:`listing_eligibility`).

    ``frame``: ``uscc, board, version, effective, standard, status`` (met | not met | unknown),
    ``binding`` (the binding condition's measure), ``value``, ``threshold``, ``margin`` (value −
    threshold, in ``unit``), ``relative_margin``, ``missing`` (measures the accounts lack),
    ``qualitative`` (conditions named, not assessed). ``measures``: the measures per firm.
    ``candidates``: per firm and board (version in force), the standards met.
    """

    frame: pd.DataFrame
    measures: pd.DataFrame
    sources: dict
    notes: tuple[str, ...] = ()
    lineage: Lineage = field(default_factory=lambda: Lineage("capital.listing_eligibility"))

    title_en = "Listing-board eligibility (STAR Market, ChiNext, BSE)"
    title_zh = "上市板块适配（科创板、创业板、北交所）"

    @property
    def candidates(self) -> pd.DataFrame:
        f = self.frame[self.frame["in_force"] & (self.frame["status"] == "met")]
        return (
            f.groupby(["uscc", "board"])["standard"]
            .agg(lambda s: ",".join(s))
            .rename("standards_met")
            .reset_index()
        )

    def _summary_items(self, lang: str = "en"):
        yield (label("firms", lang), self.measures.shape[0])
        f = self.frame[self.frame["in_force"]]
        for b in BOARDS:
            g = f[f["board"] == b]
            if len(g):
                yield (f"{b} ({g['version'].iat[0]})", int(g[g["status"] == "met"]["uscc"].nunique()))

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        check_lang(lang)
        f = self.frame.copy()
        if lang == "zh":
            f = f.rename(columns={c: label(c, "zh") for c in f.columns})
        return f


def listing_eligibility(
    accounts: pd.DataFrame,
    *,
    boards: tuple[str, ...] = BOARDS,
    on: _dt.date | str | None = None,
    all_versions: bool = True,
    year: int | None = None,
) -> EligibilityResult:
    """Evaluate every firm of ``accounts`` against each board's standards (module docstring).

    ``on`` picks the version in force (``in_force`` column; today when None); with ``all_versions``
    every version is evaluated, so a firm's standing under the old and the new rules is side by side.

    Examples
    --------
    A firm with two profitable years summing to 0.6 亿元 meets ChiNext's first standard under the
    2020 rules (≥ 0.5) but not under the 2024 rules, where its binding condition is last year's
    net profit (0.3 against 0.6 亿元: margin −0.3, relative −50 %):

    >>> acc = pd.DataFrame({"uscc": ["A", "A"], "year": [2023, 2024], "revenue": [2e8, 2e8],
    ...     "net_profit": [3e7, 3e7], "expected_market_value": [None, 5e8]})
    >>> r = listing_eligibility(acc, boards=("chinext",), on="2024-06-01")
    >>> r.frame.query("standard == '1'")[["version", "status", "margin"]].to_string(index=False)
    'version  status  margin\\n   2020     met     0.1\\n   2024 not met    -0.3'
    """
    M = listing_measures(accounts, year)
    return eligibility_of_measures(M, boards=boards, on=on, all_versions=all_versions, params={"year": year})


def eligibility_of_measures(
    M: pd.DataFrame,
    *,
    boards: tuple[str, ...] = BOARDS,
    on: _dt.date | str | None = None,
    all_versions: bool = True,
    params: dict | None = None,
) -> EligibilityResult:
    """:func:`listing_eligibility` on measures already computed (one row per firm, index ``uscc``,
    columns among :data:`MEASURES`; a missing column is a missing measure)."""
    for b in boards:
        if b not in BOARDS:
            raise InputError.at("parameter 'boards': unknown board", value=b, expected=" | ".join(BOARDS))
    M = M.copy()
    for c in MEASURES:
        if c not in M.columns:
            M[c] = np.nan
    rows = []
    sources = {}
    for b in boards:
        versions = load_rules(b)
        live = version_in_force(versions, on)
        for v in versions if all_versions else [live]:
            sources[f"{b} {v.version}"] = f"{v.source} ({v.source_date}; effective {v.effective})"
            pre_ok = np.ones(len(M), dtype=bool)
            pre_known = np.ones(len(M), dtype=bool)
            if v.precondition:
                pre_ok, pre_known, _, _ = _condition(M, v.precondition)
            for s in v.standards:
                best = None
                all_decided = np.ones(len(M), dtype=bool)
                for alt in s["alternatives"]:
                    res = [_condition(M, c) for c in alt]
                    ok = np.all([r[0] for r in res], axis=0)
                    known = np.all([r[1] for r in res], axis=0)
                    failed_known = np.any([(~r[0]) & r[1] for r in res], axis=0)
                    rel = np.vstack([r[3] for r in res])
                    k = np.argmin(np.where(np.isnan(rel), np.inf, rel), axis=0)
                    cols = np.arange(len(M))
                    all_decided &= known | failed_known | ok
                    cand = {
                        "ok": ok,
                        "decided": known | failed_known,
                        "rel": rel[k, cols],
                        "margin": np.vstack([r[2] for r in res])[k, cols],
                        "measure": np.asarray([c["measure"] for c in alt])[k],
                        "threshold": np.asarray([c["threshold"] for c in alt])[k],
                        "missing": [
                            ",".join(c["measure"] for c, r in zip(alt, res) if not r[1][q])
                            for q in range(len(M))
                        ],
                    }
                    if best is None:
                        best = cand
                    else:
                        better = (cand["ok"] & ~best["ok"]) | (
                            (cand["ok"] == best["ok"])
                            & (
                                np.nan_to_num(cand["rel"], nan=-np.inf)
                                > np.nan_to_num(best["rel"], nan=-np.inf)
                            )
                        )
                        best = {
                            key: (np.where(better, cand[key], best[key]) if key != "missing"
                                  else [c if bt else o for c, o, bt in zip(cand[key], best[key], better)])
                            for key in best
                        }  # fmt: skip
                met = best["ok"] & pre_ok
                status = np.where(
                    met, "met", np.where(all_decided | (pre_known & ~pre_ok), "not met", "unknown")
                )
                if v.precondition is not None:
                    status = np.where(~pre_known & best["ok"], "unknown", status)
                f = pd.DataFrame(
                    {
                        "uscc": M.index.to_numpy(),
                        "board": b,
                        "version": v.version,
                        "effective": v.effective.isoformat(),
                        "in_force": v.version == live.version,
                        "standard": str(s["id"]),
                        "status": status,
                        "binding": best["measure"],
                        "value": [M[mm].iat[q] for q, mm in enumerate(best["measure"])],
                        "threshold": best["threshold"],
                        "margin": np.round(best["margin"], 10),
                        "relative_margin": np.round(
                            np.where(np.isfinite(best["rel"]), best["rel"], np.nan), 10
                        ),
                        "unit": [UNITS[mm] for mm in best["measure"]],
                        "missing": best["missing"],
                        "qualitative": s.get("qualitative", ""),
                    }
                )  # fmt: skip
                if v.precondition is not None:
                    f["precondition"] = np.where(pre_known, np.where(pre_ok, "met", "not met"), "unknown")
                rows.append(f)
    frame = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
    return EligibilityResult(
        frame=frame,
        measures=M,
        sources=sources,
        lineage=Lineage.make(
            "capital.listing_eligibility", {"boards": list(boards), "on": str(on), **(params or {})}
        ),
    )
