"""The ``dataset`` table: one row per ingested file (provenance, grade, sha256), and the rows it owns.

Every writer of a dataset row goes through :func:`insert_dataset`; every reader of grades through
:func:`dataset_grades`, so "who may read what" is decided on one definition.
"""

from __future__ import annotations

import datetime as _dt

from industrial_brain.store.connection import Store
from industrial_brain.store.frames import placeholders

#: Tables that hold rows of a dataset, deleted together when a dataset is replaced.
OWNED_TABLES = (
    "capital_need",
    "capital_source",
    "capital_account",
    "observation",
    "quality_note",
    "external_reference",
    "enterprise",
    "assessment",
    "sector",
    "indicator",
    "region_neighbour",
    "firm",
    "transaction",
    "firm_account",
)


def insert_dataset(
    store: Store,
    *,
    dataset_id: str,
    kind: str,
    sha256: str,
    rows: int,
    grade: str,
    title: str = "",
    source: str = "",
    publisher: str = "",
    licence: str = "",
    citation: str = "",
    file_name: str | None = None,
    ingested_at: _dt.datetime | None = None,
) -> None:
    """Write one ``dataset`` row (call inside the ingest's transaction)."""
    at = ingested_at or _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)
    store.con.execute(
        "INSERT INTO dataset (dataset_id, kind, title, source, publisher, licence, citation, sha256, rows, "
        "grade, file_name, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            dataset_id,
            kind,
            title,
            source,
            publisher,
            licence,
            citation,
            sha256,
            int(rows),
            grade,
            file_name,
            at,
        ],
    )


def delete_dataset(store: Store, dataset_id: str) -> None:
    """Delete a dataset row and every row it owns, IO tables included (call inside a transaction)."""
    con = store.con
    for t in OWNED_TABLES:
        con.execute(f"DELETE FROM {t} WHERE dataset_id = ?", [dataset_id])
    for (tid,) in con.execute("SELECT table_id FROM io_table WHERE dataset_id = ?", [dataset_id]).fetchall():
        con.execute("DELETE FROM io_flow WHERE table_id = ?", [tid])
        con.execute("DELETE FROM io_code WHERE table_id = ?", [tid])
    con.execute("DELETE FROM io_table WHERE dataset_id = ?", [dataset_id])
    con.execute("DELETE FROM dataset WHERE dataset_id = ?", [dataset_id])


def dataset_by_sha256(store: Store, sha256: str) -> str | None:
    """Id of the dataset stored from a file with this sha256, or None."""
    row = store.con.execute("SELECT dataset_id FROM dataset WHERE sha256 = ?", [sha256]).fetchall()
    return row[0][0] if row else None


def dataset_kind(store: Store, dataset_id: str) -> str | None:
    """Kind of a stored dataset (``panel``, ``io``, …), or None when there is none with this id."""
    row = store.con.execute("SELECT kind FROM dataset WHERE dataset_id = ?", [dataset_id]).fetchall()
    return row[0][0] if row else None


def dataset_grades(store: Store) -> dict[str, str]:
    """``dataset_id → grade`` (general / important / core) of every stored dataset."""
    return dict(store.con.execute("SELECT dataset_id, grade FROM dataset").fetchall())


def datasets_with_grade(store: Store, grades) -> list[str]:
    """Ids of the datasets whose grade is one of ``grades``."""
    params: list = []
    sql = (
        f"SELECT dataset_id FROM dataset WHERE grade IN ({placeholders(grades, params)}) ORDER BY dataset_id"
    )
    return [r[0] for r in store.con.execute(sql, params).fetchall()]


def dataset_sha256(store: Store, dataset_ids) -> tuple[tuple[str, str], ...]:
    """Sorted ``(dataset_id, sha256)`` pairs of the given datasets (for a result's lineage)."""
    ids = list(dict.fromkeys(dataset_ids))
    if not ids:
        return ()
    params: list = []
    rows = store.con.execute(
        f"SELECT dataset_id, sha256 FROM dataset WHERE dataset_id IN ({placeholders(ids, params)})", params
    ).fetchall()
    return tuple(sorted(rows))


def set_dataset_grade(store: Store, dataset_id: str, grade: str) -> None:
    """Set the grade the access policy reads (call inside the grading's transaction)."""
    store.con.execute("UPDATE dataset SET grade = ? WHERE dataset_id = ?", [grade, dataset_id])
