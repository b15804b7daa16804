"""Firm annual accounts and per-mu evaluation scores: the one reader and writer of ``firm_account`` and
``per_mu_score``.

``firm_account`` holds one row per firm (USCC, registered in ``firm``) and year; units are in the
column names (万元, mu, tce, kWh, t; shares as fractions). ``per_mu_score`` holds the scores of one
evaluation run (an ``analysis_run`` of kind ``per_mu``). Both are enterprise-level rows: their
datasets are at least ``important`` (:func:`industrial_brain.store.enterprises.enterprise_grades`
counts the accounts).
"""

from __future__ import annotations

import pandas as pd

from industrial_brain.store.connection import Store
from industrial_brain.store.frames import insert_frame, placeholders, registered

#: Numeric columns of ``firm_account`` (beside ``uscc, year, firm_type, ip_level`` and the flags).
ACCOUNT_NUMBERS = (
    "land_mu",
    "tax_10k_cny",
    "revenue_10k_cny",
    "value_added_10k_cny",
    "industrial_output_10k_cny",
    "employees",
    "energy_tce",
    "electricity_kwh",
    "water_t",
    "cod_t",
    "so2_t",
    "rd_expenditure_10k_cny",
    "invention_patents",
    "net_profit_10k_cny",
    "main_revenue_10k_cny",
    "debt_ratio",
    "class1_ip_count",
    "equity_financing_2y_10k_cny",
    "equity_financing_3y_10k_cny",
    "years_in_niche",
    "rd_staff_share",
    "zjtx_points",
)
#: Yes/no columns of ``firm_account``.
ACCOUNT_FLAGS = (
    "strategic_emerging",
    "has_rd_institution",
    "innovative_direct",
    "zjtx_direct",
    "giant_direct",
)
#: Every column of ``firm_account``, in order.
ACCOUNT_TABLE_COLUMNS = (
    "uscc",
    "year",
    "firm_type",
    *ACCOUNT_NUMBERS,
    "ip_level",
    *ACCOUNT_FLAGS,
    "dataset_id",
)
#: Columns of ``per_mu_score``.
SCORE_TABLE_COLUMNS = (
    "run_id",
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
    "tax_10k_cny",
    "value_added_10k_cny",
    "land_mu",
)


def insert_accounts(store: Store, frame: pd.DataFrame) -> None:
    """Write account rows (columns among :data:`ACCOUNT_TABLE_COLUMNS`); call inside the ingest's
    transaction."""
    insert_frame(store, "firm_account", frame)


def stored_account_keys(store: Store, keys: pd.DataFrame, dataset_id: str) -> tuple[str, int, str] | None:
    """The first ``(uscc, year)`` of ``keys`` already stored by another dataset than ``dataset_id``:
    ``(uscc, year, holder)``, or None."""
    with registered(store, "_acc_keys", keys[["uscc", "year"]]) as name:
        hit = store.con.execute(
            f"SELECT k.uscc, k.year, a.dataset_id FROM {name} k JOIN firm_account a "
            "ON a.uscc = k.uscc AND a.year = k.year WHERE a.dataset_id <> ? LIMIT 1",
            [dataset_id],
        ).fetchall()
    return (hit[0][0], int(hit[0][1]), hit[0][2]) if hit else None


def registered_usccs(store: Store, usccs: list[str]) -> set[str]:
    """The codes among ``usccs`` registered in the firm register (``firm``)."""
    frame = pd.DataFrame({"uscc": list(dict.fromkeys(usccs))})
    with registered(store, "_acc_firms", frame) as name:
        rows = store.con.execute(f"SELECT k.uscc FROM {name} k JOIN firm f ON f.uscc = k.uscc").fetchall()
    return {r[0] for r in rows}


def accounts(store: Store, *, usccs: list[str] | None = None, years: list[int] | None = None) -> pd.DataFrame:
    """Stored accounts joined with the firm register (``name, region_code, sector_code, size_class,
    founding_year``), by USCC and year; of some firms or years when given."""
    where, params = [], []
    if usccs is not None:
        if not usccs:
            usccs = [""]
        where.append(f"a.uscc IN ({placeholders(usccs, params)})")
    if years is not None:
        where.append(f"a.year IN ({placeholders(years or [-1], params)})")
    cols = ", ".join(f"a.{c}" for c in ACCOUNT_TABLE_COLUMNS)
    sql = (
        f"SELECT {cols}, f.name, f.region_code, f.sector_code, f.size_class, f.founding_year "
        "FROM firm_account a LEFT JOIN firm f ON f.uscc = a.uscc"
    )
    if where:
        sql += " WHERE " + " AND ".join(where)
    return store.query(sql + " ORDER BY a.uscc, a.year", params)


def account_datasets(store: Store) -> list[str]:
    """Ids of the datasets holding accounts, sorted."""
    rows = store.con.execute("SELECT DISTINCT dataset_id FROM firm_account ORDER BY 1").fetchall()
    return [r[0] for r in rows]


def account_years(store: Store) -> list[int]:
    """The years with stored accounts, ascending."""
    return [
        int(r[0]) for r in store.con.execute("SELECT DISTINCT year FROM firm_account ORDER BY 1").fetchall()
    ]


def insert_scores(store: Store, frame: pd.DataFrame) -> None:
    """Write the scores of one run (columns among :data:`SCORE_TABLE_COLUMNS`); inside a transaction."""
    insert_frame(store, "per_mu_score", frame)


def scores(store: Store, run_id: str, *, year: int | None = None) -> pd.DataFrame:
    """The scores of run ``run_id`` (all :data:`SCORE_TABLE_COLUMNS` but ``run_id``), of one year
    when given, by USCC and year."""
    cols = ", ".join(SCORE_TABLE_COLUMNS[1:])
    sql = f"SELECT {cols} FROM per_mu_score WHERE run_id = ?"
    params: list = [run_id]
    if year is not None:
        sql += " AND year = ?"
        params.append(year)
    return store.query(sql + " ORDER BY uscc, year", params)
