"""The capital chain (资本链) as a service: ingest of financing needs, sources and firm accounts,
matchmaking, listing-board eligibility and financing-structure indicators, with access control.

Access (:mod:`industrial_brain.services.access`): financing needs, fund mandates and firm accounts
are firm-level data, ``important`` at least. The public role reads none of their rows (401); an
enterprise account reads its own firm's rows only (matches and eligibility of its USCC); analyst and
admin read them by grade. The indicators are aggregates over firms: a subject without clearance for
the rows gets them with every cell of fewer than ``k`` firms, or dominated by its largest two
(p % rule on the amounts asked for), suppressed, and one more cell per region where only one would
be (complementary suppression), through :mod:`industrial_brain.micro.disclosure` and
:func:`industrial_brain.micro.benchmarking.suppress_one_way`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from industrial_brain.capital import (
    EligibilityResult,
    FinancingStructure,
    MatchingResult,
    financing_structure,
    listing_eligibility,
    match_financing,
    synthetic_market,
)
from industrial_brain.capital.structure_indicators import UNITS as INDICATOR_UNITS
from industrial_brain.errors import InputError
from industrial_brain.ingest.capital import KINDS, ingest_capital
from industrial_brain.ingest.core import DatasetInfo, IngestReport, dataset_id_from_path
from industrial_brain.micro.benchmarking import suppress_one_way
from industrial_brain.micro.disclosure import p_percent_rule, threshold_rule
from industrial_brain.services.access import Principal, check_datasets, deny, highest_grade
from industrial_brain.store import capital as store_capital
from industrial_brain.store.connection import Store
from industrial_brain.store.datasets import dataset_grades

__all__ = [
    "INDICATOR_UNITS",
    "KINDS",
    "K_MIN",
    "SYNTHETIC_IDS",
    "ingest_capital_file",
    "load_synthetic_market",
    "capital_match",
    "capital_eligibility",
    "capital_indicators",
]

#: Smallest number of firms behind an indicator cell shown without clearance for the rows.
K_MIN = 3
#: Dataset ids of the demo's synthetic market.
SYNTHETIC_IDS = {
    "financing_needs": "synthetic_financing_needs",
    "financing_sources": "synthetic_financing_sources",
    "financial_statements": "synthetic_financial_statements",
}


def ingest_capital_file(
    store: Store,
    path: str | Path,
    kind: str,
    *,
    dataset_id: str | None = None,
    grade: str = "important",
    replace: bool = False,
    source: str = "",
    title: str = "",
) -> IngestReport:
    """Validate a financing-needs, financing-sources or firm-accounts file and store it whole."""
    if kind not in KINDS:
        raise InputError.at("unknown kind", column="kind", value=kind, expected=" | ".join(KINDS))
    path = Path(path)
    info = DatasetInfo(
        dataset_id=dataset_id or dataset_id_from_path(path),
        kind=kind,
        title=title or path.name,
        source=source or path.name,
        grade=grade,
    ).checked()
    return ingest_capital(store, path, info, replace=replace)


def load_synthetic_market(
    store: Store,
    *,
    n_needs: int = 2_000,
    n_sources: int = 120,
    seed: int = 0,
    provinces: tuple[str, ...] | None = None,
) -> list[IngestReport]:
    """Draw a SYNTHETIC market (:func:`~industrial_brain.capital.synthetic_market`) and ingest its
    three files as datasets titled SYNTHETIC (ids :data:`SYNTHETIC_IDS`, graded important)."""
    m = synthetic_market(n_needs, n_sources, seed=seed, provinces=provinces)
    out = []
    with tempfile.TemporaryDirectory() as d:
        for kind, frame in (
            ("financing_needs", m.needs),
            ("financing_sources", m.sources),
            ("financial_statements", m.accounts),
        ):
            p = Path(d) / f"{SYNTHETIC_IDS[kind]}.csv"
            frame.to_csv(p, index=False)
            out.append(
                ingest_capital_file(
                    store,
                    p,
                    kind,
                    dataset_id=SYNTHETIC_IDS[kind],
                    replace=True,
                    title=f"SYNTHETIC {kind.replace('_', ' ')} (seed {seed})",
                    source="SYNTHETIC: industrial_brain.capital.synthetic_market",
                )  # fmt: skip
            )
    return out


def _grade(store: Store, who: Principal | None, frames: list[pd.DataFrame]) -> str:
    """The highest grade of the datasets behind ``frames``; refuses the public role."""
    ids = sorted({d for f in frames for d in f.get("dataset_id", pd.Series(dtype=object)).dropna().unique()})
    if who is None:
        grades = dataset_grades(store)
        return highest_grade([grades.get(d, "important") for d in ids] + ["important"])
    if who.role == "public":
        raise deny(who, "financing needs, fund mandates and firm accounts are at least important")
    if who.role == "enterprise":
        return "important"
    return highest_grade([check_datasets(store, who, ids), "important"]) if ids else "important"


def _need_frames(store: Store, region: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    N = store_capital.needs(store, region=region)
    S = store_capital.sources(store)
    if N.empty:
        raise InputError.at(
            "no financing needs stored" + (f" in region {region}" if region else ""),
            column="region" if region else "kind",
            value=region,
            expected="needs ingested with 'ibrain capital ingest FILE --kind financing_needs' (or the demo)",
        )
    return N, S


def capital_match(
    store: Store,
    who: Principal | None = None,
    *,
    region: str | None = None,
    method: str = "auto",
    top_k: int = 8,
) -> tuple[MatchingResult, str]:
    """Match the stored needs (of ``region``) to the stored sources; returns the result and its grade.
    An enterprise account gets its own firm's needs only (matched against every source)."""
    N, S = _need_frames(store, region)
    grade = _grade(store, who, [N, S])
    if who is not None and who.role == "enterprise":
        N = N[N["uscc"] == who.uscc]
        if N.empty:
            raise InputError.at("no financing needs of this enterprise stored", column="uscc", value=who.uscc)
    r = match_financing(N, S, method=method, top_k=top_k)
    return r, grade


def _firm_regions(store: Store) -> pd.Series:
    N = store_capital.needs(store)
    return N.drop_duplicates("uscc").set_index("uscc")["region_code"]


def capital_eligibility(
    store: Store,
    who: Principal | None = None,
    *,
    region: str | None = None,
    on: str | None = None,
    boards: tuple[str, ...] = ("star", "chinext", "bse"),
) -> tuple[EligibilityResult, str]:
    """Listing-board eligibility of the firms with stored accounts (of ``region``: a firm's region is
    that of its financing needs), every version evaluated, ``on`` choosing the one in force."""
    A = store_capital.accounts(store)
    if A.empty:
        raise InputError.at(
            "no firm accounts stored",
            column="kind",
            expected="accounts ingested with --kind financial_statements",
        )
    grade = _grade(store, who, [A])
    regions = _firm_regions(store)
    if region is not None:
        keep = regions[(regions == region) | (regions.str[:2] + "0000" == region)].index
        A = A[A["uscc"].isin(keep)]
        if A.empty:
            raise InputError.at("no firm accounts in this region", column="region", value=region)
    if who is not None and who.role == "enterprise":
        A = A[A["uscc"] == who.uscc]
        if A.empty:
            raise InputError.at("no accounts of this enterprise stored", column="uscc", value=who.uscc)
    r = listing_eligibility(A.drop(columns="dataset_id"), boards=boards, on=on)
    r.frame.insert(1, "region_code", r.frame["uscc"].map(regions))
    return r, grade


def _suppress(frame: pd.DataFrame, N: pd.DataFrame, keys: list[str], k: int) -> pd.DataFrame:
    """Cells of fewer than ``k`` firms or failing the p % rule on amounts asked for, suppressed, with
    complementary suppression within each region (or over the table for one-key groupings)."""
    f = frame.copy()
    N = N.assign(
        region_code=N["region_code"].astype(str).str[:2] + "0000", sector_code=N["sector_code"].astype(str)
    )
    firm_amount = N.groupby([*keys, "uscc"])["amount"].sum().reset_index()
    cell = pd.MultiIndex.from_frame(f[keys])
    pos = cell.get_indexer(pd.MultiIndex.from_frame(firm_amount[keys]))
    primary = threshold_rule(f["firms"].to_numpy(), k) | p_percent_rule(
        pos, len(f), firm_amount["amount"].to_numpy()
    )
    sup = np.zeros(len(f), dtype=bool)
    outer = keys[0] if len(keys) > 1 else None
    groups = f.groupby(outer).indices.values() if outer else [np.arange(len(f))]
    for idx in groups:
        idx = np.asarray(idx)
        n = f["firms"].to_numpy()[idx]
        s, _, _ = suppress_one_way(n, int(n.sum()), k, primary=primary[idx], primary_total=False)
        sup[idx] = s
    values = [c for c in f.columns if c not in (*keys, "needs", "firms")]
    f.loc[sup, values] = np.nan
    f["suppressed"] = sup
    return f


def capital_indicators(
    store: Store,
    who: Principal | None = None,
    *,
    by: str = "region_sector",
    region: str | None = None,
    k: int = K_MIN,
    match: bool = True,
) -> tuple[FinancingStructure, str]:
    """Debt-reliance and financing-structure indicators per region (province) and/or sector
    (:func:`~industrial_brain.capital.financing_structure`), the matches made on the stored market
    included (``match``). Subjects without clearance for the rows (public, enterprise) get the
    aggregates suppressed (module docstring); the grade returned is then ``general``."""
    N, S = _need_frames(store, region)
    A = store_capital.accounts(store)
    matches = match_financing(N, S, explain=False).matches if match and len(S) else None
    r = financing_structure(N, matches=matches, accounts=A if len(A) else None, by=by)
    cleared = who is None or who.role in ("analyst", "admin")
    if cleared:
        grade = _grade(store, who, [N, S, A])
        f = r.frame.assign(suppressed=False)
    else:
        keys = {
            "region": ["region_code"],
            "sector": ["sector_code"],
            "region_sector": ["region_code", "sector_code"],
        }[by]
        f = _suppress(r.frame, N, keys, k)
        grade = "general"
    return FinancingStructure(frame=f, by=by, lineage=r.lineage), grade
