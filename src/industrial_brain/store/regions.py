"""Regions (GB/T 2260) and their neighbour pairs: the one reader and writer of ``region`` and
``region_neighbour`` (call the writers inside the ingest's transaction)."""

from __future__ import annotations

import pandas as pd

from industrial_brain.store.connection import Store
from industrial_brain.store.frames import insert_frame

REGION_COLUMNS = (
    "code",
    "name_zh",
    "name_en",
    "name_zh_short",
    "level",
    "parent_code",
    "region4_zh",
    "region4_en",
    "capital_lon",
    "capital_lat",
    "dataset_id",
)


def insert_regions(store: Store, frame: pd.DataFrame) -> None:
    """Write region rows (columns among :data:`REGION_COLUMNS`)."""
    insert_frame(store, "region", frame)


def insert_neighbours(store: Store, frame: pd.DataFrame) -> None:
    """Write neighbour pairs ``code_a, code_b, kind, dataset_id`` (both directions, as they are read)."""
    insert_frame(store, "region_neighbour", frame)


def regions(store: Store, level: str | None = None) -> pd.DataFrame:
    """Stored regions ordered by code (all levels, or one ``level`` such as ``"province"``)."""
    sql = f"SELECT {', '.join(REGION_COLUMNS)} FROM region"
    params: list = []
    if level is not None:
        sql += " WHERE level = ?"
        params.append(level)
    return store.query(sql + " ORDER BY code", params)


def region(store: Store, code: str) -> pd.Series | None:
    """One region's row, or None if the code is not stored."""
    f = store.query(f"SELECT {', '.join(REGION_COLUMNS)} FROM region WHERE code = ?", [code])
    return None if f.empty else f.iloc[0]


def region_names(store: Store, lang: str = "en") -> dict[str, str]:
    """``code → name`` in ``lang`` (``zh`` or ``en``) for every stored region."""
    col = "name_zh" if lang == "zh" else "name_en"
    return dict(store.con.execute(f"SELECT code, {col} FROM region").fetchall())


def region_datasets(store: Store, level: str | None = None) -> list[str]:
    """Ids of the datasets the stored regions (of ``level``) come from."""
    f = regions(store, level)
    return sorted(f["dataset_id"].dropna().unique())


def neighbour_pairs(store: Store, kind: str | None = None) -> pd.DataFrame:
    """Neighbour pairs ``code_a, code_b, kind, dataset_id`` (both directions, as stored)."""
    sql = "SELECT code_a, code_b, kind, dataset_id FROM region_neighbour"
    params: list = []
    if kind is not None:
        sql += " WHERE kind = ?"
        params.append(kind)
    return store.query(sql + " ORDER BY code_a, code_b", params)
