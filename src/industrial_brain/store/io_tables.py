"""Input–output tables (``io_table``, ``io_code``, ``io_flow``): the writer of an ingested table's rows.

The readers (:func:`~industrial_brain.store.readers.io_tables`,
:func:`~industrial_brain.store.readers.read_io_table`) are in :mod:`industrial_brain.store.readers`.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from industrial_brain.store.connection import Store
from industrial_brain.store.frames import insert_frame, placeholders


def table_ids_held_elsewhere(store: Store, table_ids: Iterable[str], dataset_id: str) -> list[str]:
    """Those of ``table_ids`` already stored by a dataset other than ``dataset_id``."""
    ids = list(table_ids)
    if not ids:
        return []
    params: list = []
    sql = f"SELECT table_id FROM io_table WHERE table_id IN ({placeholders(ids, params)}) AND dataset_id <> ?"
    return [r[0] for r in store.con.execute(sql, [*params, dataset_id]).fetchall()]


def insert_io_tables(store: Store, tables: pd.DataFrame, codes: pd.DataFrame, flows: pd.DataFrame) -> None:
    """Write tables (``io_table`` rows), their code roles and labels (``io_code``) and cells (``io_flow``).

    Call inside the ingest's transaction.
    """
    insert_frame(store, "io_table", tables)
    insert_frame(store, "io_code", codes)
    insert_frame(store, "io_flow", flows)
