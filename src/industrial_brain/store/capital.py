"""The capital chain's stored nouns: financing needs (``capital_need``), financing sources with their
mandates (``capital_source``) and firm accounts (``capital_account``) — one reader and one writer each.

All three are firm- or fund-level data: their datasets are graded ``important`` or ``core``, never
``general`` (the ingest refuses it), and the service layer never serves their rows to the public role.
"""

from __future__ import annotations

import pandas as pd

from industrial_brain.store.connection import Store
from industrial_brain.store.frames import insert_frame

TABLES = {
    "financing_needs": "capital_need",
    "financing_sources": "capital_source",
    "financial_statements": "capital_account",
}
NEED_COLUMNS = (
    "need_id", "uscc", "region_code", "sector_code", "amount", "term_months", "instrument", "purpose",
    "stage", "risk_grade", "collateral", "size_class",
)  # fmt: skip
SOURCE_COLUMNS = (
    "source_id", "name", "kind", "instrument", "capacity", "ticket_min", "ticket_max", "term_min_months",
    "term_max_months", "sectors", "regions", "stages", "sizes", "risk_appetite", "collateral_ratio",
)  # fmt: skip
ACCOUNT_COLUMNS = (
    "uscc", "year", "revenue", "net_profit", "net_profit_deducted", "rd_expense", "operating_cash_flow",
    "total_assets", "total_liabilities", "roe_weighted_pct", "expected_market_value",
    "neeq_innovation_tier_months",
)  # fmt: skip
_COLUMNS = {
    "capital_need": NEED_COLUMNS,
    "capital_source": SOURCE_COLUMNS,
    "capital_account": ACCOUNT_COLUMNS,
}
_KEYS = {"capital_need": "need_id", "capital_source": "source_id", "capital_account": 'uscc, "year"'}


def insert_rows(store: Store, kind: str, frame: pd.DataFrame) -> None:
    """Write the rows of one capital dataset (``kind`` of :data:`TABLES`); inside the ingest's transaction."""
    insert_frame(store, TABLES[kind], frame)


def stored_keys(store: Store, kind: str, keys: list, exclude_dataset: str | None = None) -> pd.DataFrame:
    """Which of ``keys`` (need ids, source ids, or (uscc, year) pairs) another dataset already holds."""
    table = TABLES[kind]
    if table == "capital_account":
        frame = pd.DataFrame(keys, columns=["uscc", "year"])
        sql = (
            "SELECT a.uscc, a.year, a.dataset_id FROM capital_account a JOIN _keys k "
            "ON a.uscc = k.uscc AND a.year = k.year WHERE a.dataset_id IS DISTINCT FROM ?"
        )
    else:
        col = _KEYS[table]
        frame = pd.DataFrame({"key": keys})
        sql = (
            f"SELECT t.{col} AS key, t.dataset_id FROM {table} t JOIN _keys k ON t.{col} = k.key "
            "WHERE t.dataset_id IS DISTINCT FROM ?"
        )
    store.con.register("_keys", frame)
    try:
        return store.query(sql, [exclude_dataset])
    finally:
        store.con.unregister("_keys")


def _read(store: Store, table: str, region: str | None = None) -> pd.DataFrame:
    cols = ", ".join(f'"{c}"' for c in _COLUMNS[table]) + ", dataset_id"
    sql = f"SELECT {cols} FROM {table}"
    params: list = []
    if region is not None and table == "capital_need":
        sql += " WHERE region_code = ? OR substr(region_code, 1, 2) || '0000' = ?"
        params = [region, region]
    return store.query(sql + f" ORDER BY {_KEYS[table]}", params)


def needs(store: Store, *, region: str | None = None) -> pd.DataFrame:
    """Stored financing needs (:data:`NEED_COLUMNS` and ``dataset_id``), by need id; ``region`` a
    code or its province."""
    return _read(store, "capital_need", region)


def sources(store: Store) -> pd.DataFrame:
    """Stored financing sources with their mandates (:data:`SOURCE_COLUMNS`, ``dataset_id``)."""
    return _read(store, "capital_source")


def accounts(store: Store) -> pd.DataFrame:
    """Stored firm accounts (:data:`ACCOUNT_COLUMNS`, ``dataset_id``), by firm and year."""
    return _read(store, "capital_account")


def counts(store: Store) -> dict[str, int]:
    """Rows per capital table."""
    return {k: int(store.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for k, t in TABLES.items()}
