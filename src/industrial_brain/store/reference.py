"""Reference lists a dataset registers: indicators, sectors and external references — the one reader
and writer of ``indicator``, ``sector`` and ``external_reference``.

Call the writers inside the ingest's transaction. The other nouns have their own module: regions and
neighbour pairs :mod:`industrial_brain.store.regions`, enterprises :mod:`industrial_brain.store.enterprises`.
External references are composite indices published with a source panel, kept beside it as a sanity
check of our own indices, never as an input.
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
KEYED_TABLES = ("indicator", "sector", "enterprise", "firm")


def indicators(store: Store) -> pd.DataFrame:
    """Registered indicators (columns :data:`INDICATOR_COLUMNS`), ordered by code."""
    return store.query(f"SELECT {', '.join(INDICATOR_COLUMNS)} FROM indicator ORDER BY code")


def sectors(store: Store) -> pd.DataFrame:
    """Registered sectors: ``scheme, code, name_zh, name_en, dataset_id``, ordered by scheme and code."""
    return store.query("SELECT scheme, code, name_zh, name_en, dataset_id FROM sector ORDER BY scheme, code")


def external_reference(store: Store, name: str) -> pd.DataFrame:
    """The stored values of one external reference: ``region_code, year, value, dataset_id``."""
    return store.query(
        "SELECT region_code, year::INTEGER AS year, value, dataset_id FROM external_reference "
        "WHERE name = ? ORDER BY region_code, year",
        [name],
    )


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


def insert_sectors(store: Store, frame: pd.DataFrame, *, skip_existing: bool = False) -> None:
    """Write sector rows (``code, scheme, name_zh, name_en, dataset_id``); with ``skip_existing`` a
    ``(scheme, code)`` already stored keeps its row instead of raising."""
    insert_frame(store, "sector", frame, skip_existing=skip_existing)


def insert_external_references(store: Store, frame: pd.DataFrame) -> None:
    """Write published reference values ``dataset_id, region_code, year, name, value, note``."""
    insert_frame(store, "external_reference", frame)
