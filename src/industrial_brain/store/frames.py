"""Bulk writes of DataFrames, parameter lists and equality filters: the SQL idioms the store modules share."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd

from industrial_brain.store.connection import Store


def placeholders(values: Iterable, params: list) -> str:
    """``?, ?, ?`` for ``values``, which are appended to ``params`` (for ``IN (…)`` clauses)."""
    values = list(values)
    params.extend(values)
    return ", ".join("?" * len(values))


@contextmanager
def registered(store: Store, name: str, frame: pd.DataFrame) -> Iterator[str]:
    """``frame`` visible to SQL as the view ``name`` for the duration of the block."""
    store.con.register(name, frame)
    try:
        yield name
    finally:
        store.con.unregister(name)


def insert_frame(store: Store, table: str, frame: pd.DataFrame, *, skip_existing: bool = False) -> None:
    """Insert a DataFrame whose columns are named as (a subset of) the table's columns.

    With ``skip_existing`` a row whose key is already stored is left out and the stored row stays
    (``ON CONFLICT DO NOTHING``); otherwise such a row raises the store's constraint error.
    """
    with registered(store, f"_ins_{table}", frame) as name:
        cols = ", ".join(f'"{c}"' for c in frame.columns)
        conflict = " ON CONFLICT DO NOTHING" if skip_existing else ""
        store.con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {name}{conflict}")


def where_equal(where: list[str], params: list, pairs: Iterable[tuple[str, Any]]) -> None:
    """Add the condition ``column = ?`` to ``where`` and its value to ``params`` for every
    ``(column, value)`` of ``pairs`` whose value is not None (a filter left out matches everything)."""
    for col, v in pairs:
        if v is not None:
            where.append(f"{col} = ?")
            params.append(v)
