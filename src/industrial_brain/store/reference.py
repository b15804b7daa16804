"""Reference lists a dataset registers: indicators, sectors, enterprises, regions, neighbours, external
references.

Readers for indicators and sectors and the writers of every list (call the writers inside the
ingest's transaction). Regions and neighbour pairs are read through :mod:`industrial_brain.store.regions`.
"""

from __future__ import annotations

import pandas as pd

from industrial_brain.store.connection import Store
from industrial_brain.store.frames import insert_frame, registered

INDICATOR_COLUMNS = (
    "code",
    "name_zh",
    "name_en",
    "unit",
    "direction",
    "dimension",
    "source",
    "min_value",
    "max_value",
    "price_basis",
    "dataset_id",
)
#: The keyed lists whose keys a new dataset must not take from another one.
KEYED_TABLES = ("indicator", "sector", "enterprise")


def indicators(store: Store) -> pd.DataFrame:
    """Registered indicators (columns :data:`INDICATOR_COLUMNS`), ordered by code."""
    return store.query(f"SELECT {', '.join(INDICATOR_COLUMNS)} FROM indicator ORDER BY code")


def sectors(store: Store) -> pd.DataFrame:
    """Registered sectors: ``scheme, code, name_zh, name_en, dataset_id``, ordered by scheme and code."""
    return store.query("SELECT scheme, code, name_zh, name_en, dataset_id FROM sector ORDER BY scheme, code")


def held_elsewhere(store: Store, table: str, keys: pd.DataFrame, dataset_id: str) -> tuple[tuple, str] | None:
    """The first of ``keys`` (columns = the key columns of ``table``) stored by another dataset.

    Returns ``(key values, id of the dataset holding them)`` or None. ``table`` is one of
    :data:`KEYED_TABLES`.
    """
    if table not in KEYED_TABLES:
        raise ValueError(f"not a keyed reference table: {table!r}")
    on = " AND ".join(f'k."{c}" = t."{c}"' for c in keys.columns)
    with registered(store, "_keys", keys) as name:
        hit = store.con.execute(
            f"SELECT k.*, t.dataset_id FROM {name} k JOIN {table} t ON {on} WHERE t.dataset_id <> ? LIMIT 1",
            [dataset_id],
        ).fetchall()
    return (tuple(hit[0][:-1]), hit[0][-1]) if hit else None


def insert_indicators(store: Store, frame: pd.DataFrame) -> None:
    """Write indicator rows (columns a subset of :data:`INDICATOR_COLUMNS`)."""
    insert_frame(store, "indicator", frame)


def insert_sectors(store: Store, frame: pd.DataFrame) -> None:
    """Write sector rows (``code, scheme, name_zh, name_en, dataset_id``)."""
    insert_frame(store, "sector", frame)


def insert_enterprises(store: Store, frame: pd.DataFrame) -> None:
    """Write enterprise rows (``uscc, name, region_code, sector_code, size_class, dataset_id,
    sector_scheme``)."""
    insert_frame(store, "enterprise", frame)


def insert_regions(store: Store, frame: pd.DataFrame) -> None:
    """Write region rows (columns as in :data:`industrial_brain.store.regions.REGION_COLUMNS`)."""
    insert_frame(store, "region", frame)


def insert_neighbours(store: Store, frame: pd.DataFrame) -> None:
    """Write neighbour pairs ``code_a, code_b, kind, dataset_id`` (both directions, as they are read)."""
    insert_frame(store, "region_neighbour", frame)


def insert_external_references(store: Store, frame: pd.DataFrame) -> None:
    """Write published reference values ``dataset_id, region_code, year, name, value, note``."""
    insert_frame(store, "external_reference", frame)
