"""Analysis runs with their lineage (``analysis_run``) and their numbers (``analysis_value``).

The one reader and writer of both tables: services save a run here and load it back from here, the
API lists runs from here. A run's values are long: ``region_code, sector_code, year, measure, value,
label``, one row per number.
"""

from __future__ import annotations

import pandas as pd

from industrial_brain.store.connection import Store
from industrial_brain.store.frames import placeholders, registered, where_equal

VALUE_COLUMNS = ["region_code", "sector_code", "year", "measure", "value", "label"]
RUN_COLUMNS = (
    "run_id, kind, method, created_at::VARCHAR AS created_at, version, params::VARCHAR AS params, "
    "lineage::VARCHAR AS lineage, datasets, note, owner"
)


def value_frame(run_id: str, values: pd.DataFrame) -> pd.DataFrame:
    """``values`` in the column order and types of ``analysis_value``, with ``run_id`` first."""
    frame = values.reindex(columns=VALUE_COLUMNS).copy()
    frame.insert(0, "run_id", run_id)
    frame["year"] = pd.array(frame["year"], dtype="Int16")
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype("float64")
    for c in ("region_code", "sector_code", "measure", "label"):
        frame[c] = frame[c].astype("object").where(frame[c].notna(), None)
    return frame


def insert_run(
    store: Store,
    *,
    run_id: str,
    kind: str,
    method: str,
    version: str | None,
    params_json: str,
    lineage_json: str,
    datasets: str,
    note: str = "",
    values: pd.DataFrame | None = None,
    owner: str | None = None,
) -> int:
    """Write one run row and its values (long, see :data:`VALUE_COLUMNS`); call inside a transaction.

    ``owner``: the account the run belongs to (a background job's submitter), None for a run readable
    by grade alone.

    Returns the number of value rows written.
    """
    store.con.execute(
        "INSERT INTO analysis_run "
        "(run_id, kind, method, created_at, version, params, lineage, datasets, note, owner) "
        "VALUES (?, ?, ?, now(), ?, ?, ?, ?, ?, ?)",
        [run_id, kind, method, version, params_json, lineage_json, datasets, note, owner],
    )
    if values is None or values.empty:
        return 0
    frame = value_frame(run_id, values)
    with registered(store, "_run_values", frame) as name:
        store.con.execute(f"INSERT INTO analysis_value SELECT * FROM {name}")
    return len(frame)


def delete_runs(store: Store, run_ids) -> None:
    """Delete runs and their values (call inside a transaction)."""
    ids = list(run_ids)
    if not ids:
        return
    params: list = []
    ph = placeholders(ids, params)
    store.con.execute(f"DELETE FROM analysis_value WHERE run_id IN ({ph})", params)
    store.con.execute(f"DELETE FROM analysis_run WHERE run_id IN ({ph})", params)


def runs(
    store: Store,
    kind: str | None = None,
    *,
    method: str | None = None,
    note: str | None = None,
    datasets: str | None = None,
) -> pd.DataFrame:
    """Stored runs (optionally of one ``kind``, ``method``, ``note`` or ``datasets`` string), newest first."""
    where, params = ["TRUE"], []
    where_equal(where, params, (("kind", kind), ("method", method), ("note", note), ("datasets", datasets)))
    return store.query(
        f"SELECT {RUN_COLUMNS} FROM analysis_run WHERE {' AND '.join(where)} "
        "ORDER BY created_at DESC, run_id",
        params,
    )


def run_row(store: Store, run_id: str) -> pd.Series | None:
    """One run's row (``params`` and ``lineage`` as JSON text), or None if there is no such run."""
    f = store.query(f"SELECT {RUN_COLUMNS} FROM analysis_run WHERE run_id = ?", [run_id])
    return None if f.empty else f.iloc[0]


def latest_run_id(store: Store, kind: str) -> str | None:
    """Id of the newest run of ``kind``, or None."""
    rows = store.con.execute(
        "SELECT run_id FROM analysis_run WHERE kind = ? ORDER BY created_at DESC LIMIT 1", [kind]
    ).fetchall()
    return rows[0][0] if rows else None


def run_values(
    store: Store,
    run_id: str,
    *,
    measure: str | None = None,
    year: int | None = None,
    region_code: str | None = None,
) -> pd.DataFrame:
    """The values of one run (long form), optionally of one measure, year or region."""
    where, params = ["run_id = ?"], [run_id]
    where_equal(where, params, (("measure", measure), ("year", year), ("region_code", region_code)))
    return store.query(
        "SELECT region_code, sector_code, year::INTEGER AS year, measure, value, label "
        f"FROM analysis_value WHERE {' AND '.join(where)} "
        "ORDER BY measure, region_code, sector_code, year",
        params,
    )


def runs_with_value_counts(store: Store, kind: str) -> pd.DataFrame:
    """Runs of ``kind`` with the number of their values: ``run_id, created_at, version, datasets, values``,
    newest first."""
    return store.query(
        "SELECT r.run_id, r.created_at, r.version, r.datasets, count(v.measure) AS values "
        "FROM analysis_run r LEFT JOIN analysis_value v USING (run_id) WHERE r.kind = ? "
        "GROUP BY ALL ORDER BY r.created_at DESC",
        [kind],
    )
