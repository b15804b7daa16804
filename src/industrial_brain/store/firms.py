"""The firm register of the production network: the one reader and writer of ``firm``.

A firm is keyed by its unified social credit code (GB 32100); ``region_code`` is GB/T 2260 down to
county level where known, ``sector_code`` an IO sector of ``sector_scheme`` (``nbs2017_42`` for the
embedded tables). Firm rows are enterprise-level data: at least ``important`` whatever their dataset
says (:func:`industrial_brain.store.enterprises.enterprise_grades` counts them).
"""

from __future__ import annotations

import pandas as pd

from industrial_brain.store.connection import Store
from industrial_brain.store.frames import insert_frame, where_equal

#: Columns of ``firm``, in order.
FIRM_COLUMNS = (
    "uscc",
    "name",
    "region_code",
    "sector_code",
    "sector_scheme",
    "size_class",
    "founding_year",
    "employees",
    "revenue_cny",
    "dataset_id",
)


def insert_firms(store: Store, frame: pd.DataFrame) -> None:
    """Register firms (columns among :data:`FIRM_COLUMNS`); call inside the ingest's transaction."""
    insert_frame(store, "firm", frame)


def firms(
    store: Store,
    *,
    region: str | None = None,
    sector: str | None = None,
    usccs: list[str] | None = None,
) -> pd.DataFrame:
    """Registered firms (all :data:`FIRM_COLUMNS`), by USCC. ``region`` matches a firm's own code or
    its province (``'320000'`` selects every firm of Jiangsu, ``'320506'`` one district's)."""
    where: list[str] = []
    params: list = []
    if region is not None:
        where.append("(region_code = ? OR substr(region_code, 1, 2) || '0000' = ?)")
        params += [region, region]
    where_equal(where, params, [("sector_code", sector)])
    if usccs is not None:
        if not usccs:
            return store.query(f"SELECT {', '.join(FIRM_COLUMNS)} FROM firm LIMIT 0")
        where.append("list_contains(?, uscc)")
        params.append(list(usccs))
    sql = f"SELECT {', '.join(FIRM_COLUMNS)} FROM firm"
    if where:
        sql += " WHERE " + " AND ".join(where)
    return store.query(sql + " ORDER BY uscc", params)


def firm_count(store: Store) -> int:
    """How many firms are registered."""
    return int(store.con.execute("SELECT count(*) FROM firm").fetchone()[0])
