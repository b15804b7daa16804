"""Stored firm accounts, their per-mu evaluation runs and the government's enterprise board.

* :func:`ingest_accounts` — ``ibrain mu ingest FILE --db DB``: the accounts ingest
  (:mod:`industrial_brain.ingest.firm_accounts`), all or nothing, graded important.
* :func:`evaluate_stored` — ``ibrain mu evaluate --db DB --rules R [--year Y]``: scores every stored
  firm-year (county = the firm register's region code, sector = its sector code) and stores the
  scores as an analysis run of kind :data:`KIND` (``analysis_run`` + ``per_mu_score``; the run's
  values are the county and sector roll-ups, unsuppressed, readable by grade like the accounts).
* :func:`firm_board`, :func:`firm_profile`, :func:`class_rollup` — what the API serves: the firm list
  with 亩均 class, maturity level and SME tier; one firm's profile (accounts trend, score, indicators,
  what lifts it a class, prices, maturity, SME checks); county and sector roll-ups with small and
  dominated cells suppressed.
* :func:`ensure_demo_accounts` — the SYNTHETIC accounts of the demo population, stored once by
  ``ibrain demo``.

Access (the policy is :mod:`industrial_brain.services.access`): the board and profiles are enterprise
rows (at least important): admin and analyst read them, an enterprise account only its own firm,
the public role none. Roll-ups are open to every role, suppressed: a cell of fewer than ``k`` = 3
firms, or whose largest two firms pay more than 85 % of its tax ((2, 85) dominance rule), shows no
statistic, and when a year has exactly one such cell the next smallest cell is suppressed too
(complementary suppression, so the cell cannot be recovered from a total). Differencing across
years or between the county and the sector tables is not audited (unlike the assessment releases).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from industrial_brain.errors import InputError
from industrial_brain.ingest.core import DatasetInfo, IngestReport, dataset_id_from_path
from industrial_brain.ingest.firm_accounts import ingest_firm_accounts
from industrial_brain.ingest.reference_kinds import ingest_firms
from industrial_brain.lineage import Lineage
from industrial_brain.micro.accounts_synthetic import synthetic_accounts
from industrial_brain.micro.disclosure import nk_rule
from industrial_brain.micro.per_mu import (
    PerMuResult,
    evaluate_per_mu,
    lift_a_class,
    price_adjustments,
    rollup,
)
from industrial_brain.micro.per_mu_rules import CLASSES, PerMuRules, load_per_mu_rules, parse_per_mu_rules
from industrial_brain.micro.sme_tiers import evaluate_sme_tiers
from industrial_brain.services import access
from industrial_brain.services.access import Principal
from industrial_brain.services.assess import stored_results
from industrial_brain.services.io import load_table
from industrial_brain.services.results import dataset_lineage, new_run_id
from industrial_brain.store import firm_accounts as acc_store
from industrial_brain.store import firms as firm_store
from industrial_brain.store import runs as run_store
from industrial_brain.store.connection import Store
from industrial_brain.store.datasets import dataset_kind

__all__ = [
    "KIND",
    "DEMO_ACCOUNTS_ID",
    "DEMO_FIRMS_ID",
    "StoredEvaluation",
    "ingest_accounts",
    "stored_accounts",
    "evaluate_stored",
    "latest_evaluation",
    "firm_board",
    "firm_profile",
    "class_rollup",
    "ensure_demo_accounts",
    "BOARD_COLUMNS",
    "SORTS",
]

#: Where the refusals of a stored evaluation say the data came from.
STORED = "stored accounts"
#: Run kind of a stored per-mu evaluation.
KIND = "per_mu"
DEMO_FIRMS_ID = "synthetic_mu_firms"
DEMO_ACCOUNTS_ID = "synthetic_mu_accounts"
#: The firm list's columns.
BOARD_COLUMNS = (
    "uscc",
    "name",
    "region_code",
    "sector_code",
    "size_class",
    "year",
    "score",
    "class",
    "rank",
    "group_size",
    "maturity_level",
    "sme_tier",
)
#: Sort keys of the firm list (``-`` prefix: descending).
SORTS = ("uscc", "name", "score", "class", "region_code", "sector_code", "maturity_level")
#: Demo population sector → IO sector (nbs2017_42) of the firm register.
_DEMO_SECTOR = {
    "Electronics": "20",
    "Transportation equipment manufacturing": "18",
    "Petrochemicals": "12",
    "Pharmaceuticals": "12",
    "Food": "06",
    "Metallurgy": "14",
    "Machinery": "16",
    "Light industry": "22",
    "Textiles": "07",
    "Packaging": "10",
    "Building materials": "13",
    "Waste recycling": "22",
}
#: Zhejiang counties (GB/T 2260) the demo's Zhejiang firms are spread over: 临海, 椒江, 义乌, 慈溪,
#: 海宁, 瑞安, 越城. Firms of other provinces stay at province level.
_DEMO_COUNTIES = ("331082", "331002", "330782", "330282", "330481", "330381", "330602")


@dataclass(frozen=True)
class StoredEvaluation:
    """A per-mu evaluation stored as a run: its id and the result."""

    run_id: str
    result: PerMuResult


# ---- ingest and evaluation ------------------------------------------------------------------------


def ingest_accounts(
    store: Store,
    path: str | os.PathLike,
    *,
    dataset_id: str | None = None,
    grade: str = "important",
    title: str = "",
    source: str = "",
    replace: bool = False,
    frame: pd.DataFrame | None = None,
) -> IngestReport:
    """Validate a firm accounts file and store it whole as one dataset (kind ``firm_accounts``)."""
    path = Path(path)
    info = DatasetInfo(
        dataset_id=dataset_id or dataset_id_from_path(path),
        kind="firm_accounts",
        title=title or path.name,
        source=source or path.name,
        grade=grade,
    ).checked()
    return ingest_firm_accounts(store, path, info, replace=replace, frame=frame)


def stored_accounts(store: Store, usccs: list[str] | None = None) -> pd.DataFrame:
    """Stored accounts with the register's ``name, county`` (region code) and ``sector`` (sector code)."""
    f = acc_store.accounts(store, usccs=usccs)
    return f.assign(county=f["region_code"], sector=f["sector_code"])


def _rules(rules: str | os.PathLike | PerMuRules) -> PerMuRules:
    return rules if isinstance(rules, PerMuRules) else load_per_mu_rules(rules)


def _evaluate(frame: pd.DataFrame, rules: PerMuRules, year: int | None) -> PerMuResult:
    """Evaluate stored accounts; a refusal names the firm and year instead of a file line."""
    f = frame.reset_index(drop=True)
    if "firm_type" in f:
        f = f.assign(firm_type=f["firm_type"].fillna(rules.default_firm_type))
    try:
        return evaluate_per_mu(f, rules, year=year, source=STORED, lines=np.arange(len(f)))
    except InputError as exc:
        msg = str(exc)
        hit = re.match(rf"{re.escape(STORED)}: row (\d+)", msg)
        if hit is None:
            raise
        r = f.iloc[int(hit.group(1))]
        raise InputError(
            msg.replace(hit.group(0), f"{STORED}: firm {r['uscc']} year {int(r['year'])}", 1)
        ) from None


def evaluate_stored(
    store: Store,
    rules: str | os.PathLike | PerMuRules,
    *,
    year: int | None = None,
    owner: str | None = None,
) -> StoredEvaluation:
    """Evaluate every stored firm-year (of ``year`` and, for the class change, the year before) and
    store the scores as one run of kind :data:`KIND`; its values are the unsuppressed county and
    sector roll-ups (``n_firms``, class shares, per-mu tax and value added)."""
    rule_set = _rules(rules)
    frame = stored_accounts(store)
    if frame.empty:
        raise InputError.at(
            "no firm accounts stored", column="firm_account", expected="accounts stored by 'ibrain mu ingest'"
        )
    if year is not None and not (frame["year"] == year).any():
        raise InputError.at(
            "no firm has accounts for this year",
            column="year",
            value=year,
            expected=f"one of {sorted(set(frame['year'].tolist()))}",
        )
    result = _evaluate(frame, rule_set, year)
    datasets = sorted(set(frame["dataset_id"]))
    lineage = Lineage.make(
        "micro.evaluate_per_mu",
        {"rules": rule_set.code, "version": rule_set.version, "year": year},
        datasets=dataset_lineage(store, datasets),
    )
    s = result.scores
    scores = s.reindex(columns=list(acc_store.SCORE_TABLE_COLUMNS[1:])).copy()
    run_id = new_run_id(KIND)
    scores.insert(0, "run_id", run_id)
    values = []
    for by in ("county", "sector"):
        t = rollup(result, by, k=1)
        for m in ("n_firms", "tax_per_mu", "va_per_mu", *[f"share_{c}" for c in CLASSES]):
            part = pd.DataFrame({"year": t["year"], "measure": f"{by}:{m}", "value": t[m]})
            part["region_code" if by == "county" else "sector_code"] = t[by].astype(str)
            values.append(part)
    params = {
        "rules": rule_set.model_dump(mode="json", exclude={"file"}),
        "rules_code": rule_set.code,
        "version": rule_set.version,
        "year": year,
    }
    with store.transaction():
        run_store.insert_run(
            store,
            run_id=run_id,
            kind=KIND,
            method=rule_set.code,
            version=lineage.version,
            params_json=json.dumps(params, ensure_ascii=False, default=str),
            lineage_json=lineage.to_json(),
            datasets=",".join(datasets),
            note=f"{rule_set.code} v{rule_set.version}",
            values=run_store.value_frame(run_id, pd.concat(values, ignore_index=True)),
            owner=owner if owner is not None else store.owner,
        )
        acc_store.insert_scores(store, scores)
        store.audit("analysis", f"run:{run_id}", f"{KIND} {rule_set.code} firm-years={len(scores)}")
    return StoredEvaluation(run_id, result)


def latest_evaluation(store: Store, who: Principal | None = None) -> dict[str, Any] | None:
    """The newest per-mu run ``who`` may read (None: any): ``run_id, rules (PerMuRules), created_at``,
    or None when there is none."""
    f = run_store.runs(store, KIND) if who is None else access.readable_runs(store, who, KIND)
    if f.empty:
        return None
    row = f.iloc[0]
    params = json.loads(row["params"])
    return {
        "run_id": row["run_id"],
        "rules": parse_per_mu_rules(params["rules"], source=f"run {row['run_id']}"),
        "created_at": row["created_at"],
        "datasets": row["datasets"],
    }


# ---- the board ------------------------------------------------------------------------------------


def _sme_frame(acc: pd.DataFrame) -> pd.DataFrame:
    """Accounts with the previous years' revenue, R&D and main-business revenue the SME checks read."""
    out = acc.copy()
    for lag, cols in ((1, ("revenue", "rd_expenditure", "main_revenue")), (2, ("main_revenue",))):
        prev = acc[["uscc", "year", *[f"{c}_10k_cny" for c in cols]]].copy()
        prev["year"] = prev["year"] + lag
        suffix = "prev" if lag == 1 else "prev2"
        prev = prev.rename(columns={f"{c}_10k_cny": f"{c}_{suffix}_10k_cny" for c in cols})
        out = out.merge(prev, on=["uscc", "year"], how="left")
    return out


def _tiers(acc: pd.DataFrame, year: int) -> pd.DataFrame:
    f = _sme_frame(acc)
    f = f[f["year"] == year].reset_index(drop=True)
    if f.empty:
        return pd.DataFrame(columns=["uscc", "tier"])
    return evaluate_sme_tiers(f).tiers[["uscc", "tier"]]


def _maturity(store: Store, usccs: list[str] | None = None) -> pd.DataFrame:
    r = stored_results(store, uscc=usccs, dimensions=False)
    if r.empty:
        return pd.DataFrame(columns=["uscc", "maturity_level", "maturity_score"])
    r = r.sort_values("taken_on").drop_duplicates("uscc", keep="last")
    return r[["uscc", "level", "total_score"]].rename(
        columns={"level": "maturity_level", "total_score": "maturity_score"}
    )


def _scope(store: Store, who: Principal, frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The rows of ``frame`` ``who`` may read (enterprise accounts: their own firm, before any filter)."""
    if who.role == "enterprise":
        frame = frame[frame["uscc"] == who.uscc]
    kept, _, _ = access.readable_enterprises(store, who, frame)
    return kept, int(frame["uscc"].nunique() - kept["uscc"].nunique())  # firms withheld, not firm-years


def board_frame(store: Store, who: Principal, *, year: int | None = None) -> tuple[pd.DataFrame, int, dict]:
    """Every registered firm with accounts, as :data:`BOARD_COLUMNS`, that ``who`` may read; the
    number withheld; and ``{run_id, rules, year}`` of the evaluation shown (the newest run: a firm's
    scores are its own rows, read by the firm's grade like its accounts, whatever else the run holds)."""
    acc = stored_accounts(store)
    acc, withheld = _scope(store, who, acc) if not acc.empty else (acc, 0)
    if acc.empty:
        return pd.DataFrame(columns=list(BOARD_COLUMNS)), withheld, {}
    run = latest_evaluation(store)  # each row is governed by its firm's grade, not the run's
    years = sorted(set(acc["year"].tolist()))
    if year is None:
        year = years[-1]
    firms = acc[acc["year"] == year][["uscc", "name", "region_code", "sector_code", "size_class", "year"]]
    if run is not None:
        sc = acc_store.scores(store, run["run_id"], year=year)[
            ["uscc", "score", "class", "rank", "group_size"]
        ]
        firms = firms.merge(sc, on="uscc", how="left")
    tiers = _tiers(acc, year).rename(columns={"tier": "sme_tier"})
    firms = firms.merge(tiers, on="uscc", how="left").merge(
        _maturity(store, firms["uscc"].tolist())[["uscc", "maturity_level"]], on="uscc", how="left"
    )
    meta = {
        "run_id": run["run_id"] if run else None,
        "rules": run["rules"].code if run else None,
        "year": year,
    }
    return firms.reindex(columns=list(BOARD_COLUMNS)).reset_index(drop=True), withheld, meta


def firm_board(
    store: Store,
    who: Principal,
    *,
    search: str | None = None,
    region: str | None = None,
    sector: str | None = None,
    cls: str | None = None,
    tier: str | None = None,
    year: int | None = None,
    sort: str = "uscc",
) -> tuple[pd.DataFrame, int, dict]:
    """The board filtered and sorted (before paging): name or USCC contains ``search``; ``region`` a
    region code or its province (``330000``); ``sector`` a sector code; ``cls`` a class A–D;
    ``tier`` an SME tier (``none, innovative, specialised, little_giant``); ``sort`` one of
    :data:`SORTS`, ``-`` first for descending. Returns (rows, withheld, meta)."""
    f, withheld, meta = board_frame(store, who, year=year)
    if search:
        q = search.strip().lower()
        f = f[
            f["name"].fillna("").str.lower().str.contains(q, regex=False)
            | f["uscc"].str.lower().str.contains(q, regex=False)
        ]
    if region:
        f = f[(f["region_code"] == region) | (f["region_code"].str[:2] + "0000" == region)]
    if sector:
        f = f[f["sector_code"] == sector]
    if cls:
        f = f[f["class"] == cls]
    if tier:
        f = f[f["sme_tier"] == tier]
    key = sort.lstrip("-")
    if key not in SORTS:
        raise InputError.at(
            "unknown sort key", column="sort", value=sort, expected=" | ".join(SORTS) + " (- for descending)"
        )
    f = f.sort_values(
        [key, "uscc"], ascending=[not sort.startswith("-"), True], na_position="last", kind="stable"
    )
    return f.reset_index(drop=True), withheld, meta


def firm_profile(store: Store, who: Principal, uscc: str, *, year: int | None = None) -> dict[str, Any]:
    """Everything known about one firm: registration, accounts trend, the newest readable per-mu
    evaluation (score, class, rank, indicators, what lifts it a class, price adjustments), its
    maturity (latest assessment) and its SME tier checks. Refused unless ``who`` may read the firm."""
    code = str(uscc).strip().upper()
    grade = access.check_enterprise(store, who, code)
    acc = stored_accounts(store)
    mine = acc[acc["uscc"] == code]
    if mine.empty:
        raise InputError.at(
            "no accounts stored for this firm",
            column="uscc",
            value=code,
            expected="a firm with stored accounts",
        )
    years = sorted(mine["year"].tolist())
    year = years[-1] if year is None else year
    if year not in years:
        raise InputError.at(
            "no accounts of the firm for this year", column="year", value=year, expected=f"one of {years}"
        )
    first = mine.iloc[-1]
    trend_cols = [
        "year",
        "land_mu",
        "tax_10k_cny",
        "revenue_10k_cny",
        "value_added_10k_cny",
        "employees",
        "energy_tce",
        "rd_expenditure_10k_cny",
    ]
    out: dict[str, Any] = {
        "uscc": code,
        "name": first["name"],
        "region_code": first["region_code"],
        "sector_code": first["sector_code"],
        "size_class": first["size_class"],
        "grade": grade,
        "year": year,
        "accounts": mine[trend_cols].to_dict("records"),
    }
    run = latest_evaluation(store)  # the firm is readable (checked above): its own scores are
    if run is not None:
        rules = run["rules"]
        peers = acc[acc["county"].eq(first["county"]) | acc["uscc"].eq(code)]
        result = _evaluate(peers, rules, year)
        row = result.scores[(result.scores["uscc"] == code)]
        if not row.empty:
            r = row.iloc[0]
            ind = result.indicator_frame()
            ind = ind[(ind["uscc"] == code) & (ind["year"] == year)]
            meta = result.indicators
            ind = ind.assign(
                name_zh=[meta[c].name_zh for c in ind["indicator"]],
                benchmark=[meta[c].benchmark for c in ind["indicator"]],
                weight=[meta[c].weight for c in ind["indicator"]],
            )
            lift = lift_a_class(result, code, year)
            if who.role == "enterprise" and rules.classes.method == "percentile":
                lift = lift.iloc[0:0]  # the target would be another firm's score
            mine_res = PerMuResult(rules=rules, scores=row.reset_index(drop=True), not_evaluated=row[[]])
            out["per_mu"] = {
                "run_id": run["run_id"],
                "rules": rules.code,
                "rules_version": rules.version,
                "score": float(r["score"]),
                "class": r["class"],
                "branch": r["branch"],
                "rank": int(r["rank"]),
                "group_size": int(r["group_size"]),
                "prev_class": r["prev_class"] if isinstance(r["prev_class"], str) else None,
                "class_change": None if pd.isna(r["class_change"]) else float(r["class_change"]),
                "indicators": ind.drop(columns=["uscc", "year"]).to_dict("records"),
                "lift": lift.to_dict("records"),
                "prices": price_adjustments(mine_res).drop(columns=["uscc", "year"]).to_dict("records"),
            }
    mat = stored_results(store, uscc=code, dimensions=True)
    if not mat.empty:
        m = mat.sort_values("taken_on").iloc[-1]
        out["maturity"] = {
            "model": m["model_code"],
            "taken_on": str(m["taken_on"]),
            "level": m["level"],
            "total_score": float(m["total_score"]),
        }
    sme = _sme_frame(mine)
    sme = sme[sme["year"] == year].reset_index(drop=True)
    t = evaluate_sme_tiers(sme)
    out["sme"] = {"tier": t.tiers["tier"].iat[0], "checks": t.checks.drop(columns="uscc").to_dict("records")}
    return out


def _complementary(table: pd.DataFrame) -> pd.Series:
    """Cells to suppress beside the primary ones: per year with exactly one suppressed cell among
    several, the smallest other cell."""
    extra = pd.Series(False, index=table.index)
    for _, g in table.groupby("year"):
        sup = g[g["suppressed"]]
        rest = g[~g["suppressed"]]
        if len(sup) == 1 and len(rest):
            extra[rest["n_firms"].idxmin()] = True
    return extra


def class_rollup(
    store: Store, *, by: str = "county", year: int | None = None, k: int = 3
) -> tuple[pd.DataFrame, dict]:
    """Class shares, mean score and per-mu tax and value added by county or sector and year, from the
    newest per-mu run, suppressed (see the module docstring); ``({run_id, rules, year, k})``."""
    if by not in ("county", "sector"):
        raise InputError.at("unknown grouping", column="by", value=by, expected="county | sector")
    run = latest_evaluation(store)
    cols = [
        by,
        "year",
        "n_firms",
        "mean_score",
        *[f"share_{c}" for c in CLASSES],
        "tax_per_mu",
        "va_per_mu",
        "suppressed",
    ]
    if run is None:
        return pd.DataFrame(columns=cols), {"run_id": None, "rules": None, "year": year, "k": k}
    s = acc_store.scores(store, run["run_id"], year=year)
    res = PerMuResult(rules=run["rules"], scores=s, not_evaluated=s[[]])
    codes, keys = pd.factorize(pd.MultiIndex.from_arrays([s[by].astype(str), s["year"]]))
    dominated = nk_rule(
        codes, len(keys), np.nan_to_num(s["tax_10k_cny"].to_numpy(float)).clip(0), n=2, k=85.0
    )
    dom = pd.Series(dominated, index=keys)

    def rule(t: pd.DataFrame) -> pd.Series:
        idx = pd.MultiIndex.from_arrays([t[by].astype(str), t["year"]])
        return pd.Series(dom.reindex(idx).fillna(False).to_numpy(), index=t.index)

    t = rollup(res, by, k=k, suppress=rule)
    extra = _complementary(t)
    values = ["mean_score", *[f"share_{c}" for c in CLASSES], "tax_per_mu", "va_per_mu"]
    t.loc[extra, values] = np.nan
    t["suppressed"] = t["suppressed"] | extra
    t[by] = t[by].astype(str)
    return t[cols].reset_index(drop=True), {
        "run_id": run["run_id"],
        "rules": run["rules"].code,
        "year": year,
        "k": k,
    }


# ---- the demo -------------------------------------------------------------------------------------


def _io_rates(store: Store, table_id: str = "cn_nbs_io_2017_42") -> pd.DataFrame:
    """Value-added rate (all value-added rows ÷ gross output) and net production-tax rate (row
    ``VA002``, 生产税净额 ÷ gross output) by sector of a stored IO table."""
    t = load_table(store, table_id)
    with np.errstate(divide="ignore", invalid="ignore"):
        va = t.V.sum() / t.x
        tax = t.V.loc["VA002"] / t.x if "VA002" in t.V.index else va * 0.15
    return pd.DataFrame({"va_rate": va, "tax_rate": tax.clip(lower=0.005)}).replace([np.inf, -np.inf], np.nan)


def ensure_demo_accounts(
    store: Store, *, seed: int = 18, years: tuple[int, ...] = (2021, 2022, 2023)
) -> str | None:
    """Register the demo population's firms in the firm register and store their SYNTHETIC accounts
    and a Linhai-rule evaluation, once; returns the accounts dataset id (None when the demo
    population is not stored)."""
    from_dataset = "synthetic_enterprise_assessment_2022"
    if dataset_kind(store, DEMO_ACCOUNTS_ID) is not None:
        return DEMO_ACCOUNTS_ID
    ent = stored_results(store, dimensions=False)
    ent = ent[ent["dataset_id"] == from_dataset].drop_duplicates("uscc").reset_index(drop=True)
    if ent.empty:
        return None
    rng = np.random.default_rng(seed)
    region = ent["region"].astype(str).to_numpy(dtype=object)
    zj = region == "330000"
    region[zj] = rng.choice(_DEMO_COUNTIES, int(zj.sum()))
    firms = pd.DataFrame(
        {
            "uscc": ent["uscc"],
            "name": ent["name"],
            "region_code": region,
            "sector_code": ent["sector"].map(_DEMO_SECTOR).fillna("22"),
            "size_class": ent["size_class"],
        }
    )
    rates = _io_rates(store)
    accounts = synthetic_accounts(firms, rates, years=years, seed=seed)
    # firms the register holds already (the demo's firm network draws from the same population)
    known = set(firm_store.firms(store)["uscc"]) if firm_store.firm_count(store) else set()
    firms = firms[~firms["uscc"].isin(known)]
    with tempfile.TemporaryDirectory() as tmp:
        fpath, apath = Path(tmp) / "synthetic_mu_firms.csv", Path(tmp) / "synthetic_mu_accounts.csv"
        firms.to_csv(fpath, index=False)
        accounts.to_csv(apath, index=False)
        if dataset_kind(store, DEMO_FIRMS_ID) is None and len(firms):
            ingest_firms(
                store,
                fpath,
                DatasetInfo(
                    DEMO_FIRMS_ID,
                    "firms",
                    "SYNTHETIC firm register of the demo population (Zhejiang firms spread over 7 counties)",
                    publisher="Industrial Brain (generated)",
                    licence="CC0-1.0 (synthetic)",
                    grade="important",
                ).checked(),
            )
        ingest_accounts(
            store,
            apath,
            dataset_id=DEMO_ACCOUNTS_ID,
            title=f"SYNTHETIC firm annual accounts of the demo population (seed={seed}; VA and tax rates "
            "from the NBS 2017 IO table, per-mu levels uncalibrated)",
            source="industrial_brain.micro.accounts_synthetic",
        )
    evaluate_stored(store, "linhai")
    return DEMO_ACCOUNTS_ID
