"""Storing analysis results with their lineage (tables ``analysis_run`` and ``analysis_value``)."""

from __future__ import annotations

import datetime as _dt
import json
import uuid

import pandas as pd

from industrial_brain.lineage import Lineage
from industrial_brain.store.connection import Store

VALUE_COLUMNS = ["region_code", "sector_code", "year", "measure", "value", "label"]


def save_run(store: Store, kind: str, lineage: Lineage, values: pd.DataFrame, *, note: str = "") -> str:
    """Store one analysis run and its values atomically; return the new ``run_id``.

    ``values`` is long: columns among ``region_code, sector_code, year, measure, value, label``
    (``measure`` required), one row per number.
    """
    if "measure" not in values.columns:
        raise ValueError("values need a 'measure' column")  # programming error, not a user error
    run_id = f"{kind}-{_dt.datetime.now(_dt.timezone.utc):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    frame = values.reindex(columns=VALUE_COLUMNS).copy()
    frame.insert(0, "run_id", run_id)
    frame["year"] = pd.array(frame["year"], dtype="Int16")
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype("float64")
    for c in ("region_code", "sector_code", "measure", "label"):
        frame[c] = frame[c].astype("object").where(frame[c].notna(), None)
    with store.transaction() as con:
        con.execute(
            "INSERT INTO analysis_run VALUES (?, ?, ?, now(), ?, ?, ?, ?, ?)",
            [run_id, kind, lineage.method, lineage.version, json.dumps(lineage.to_dict()["params"], ensure_ascii=False),
             lineage.to_json(), ",".join(d for d, _ in lineage.datasets), note])
        con.register("_run_values", frame)
        try:
            con.execute("INSERT INTO analysis_value SELECT * FROM _run_values")
        finally:
            con.unregister("_run_values")
        store.audit("analysis", f"run:{run_id}", f"{kind} {lineage.method} values={len(frame)}")
    return run_id


def latest_run(store: Store, kind: str) -> str | None:
    """Id of the newest run of ``kind``, or None."""
    rows = store.con.execute("SELECT run_id FROM analysis_run WHERE kind = ? ORDER BY created_at DESC LIMIT 1",
                             [kind]).fetchall()
    return rows[0][0] if rows else None


def run_values(store: Store, run_id: str) -> pd.DataFrame:
    """The values of one run (long form)."""
    return store.query("SELECT region_code, sector_code, year::INTEGER AS year, measure, value, label "
                       "FROM analysis_value WHERE run_id = ?", [run_id])


def dataset_lineage(store: Store, dataset_ids) -> tuple[tuple[str, str], ...]:
    """``(dataset_id, sha256)`` pairs for a Lineage, from the dataset table."""
    ids = list(dict.fromkeys(dataset_ids))
    if not ids:
        return ()
    rows = store.con.execute(f"SELECT dataset_id, sha256 FROM dataset WHERE dataset_id IN ({','.join('?' * len(ids))})",
                             ids).fetchall()
    return tuple(sorted(rows))
