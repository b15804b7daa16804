"""Stamps of stored input–output tables: what an in-process cache of a table must be keyed on.

A table is re-read when the dataset it came from is replaced (a new ingest gives a new sha256), so
the services key their caches of matrices and Leontief factorisations on :func:`io_table_stamp`.
"""

from __future__ import annotations

from industrial_brain.store.connection import Store


def io_table_stamp(store: Store, table_id: str) -> tuple[str, str] | None:
    """``(dataset_id, sha256)`` of the dataset a stored IO table belongs to, or None if it is not stored."""
    rows = store.con.execute(
        "SELECT t.dataset_id, d.sha256 FROM io_table t LEFT JOIN dataset d "
        "USING (dataset_id) WHERE t.table_id = ?",
        [table_id],
    ).fetchall()
    return (str(rows[0][0]), str(rows[0][1] or "")) if rows else None
