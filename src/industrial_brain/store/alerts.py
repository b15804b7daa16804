"""Alerts (``alert``) and the audit of their state changes (``alert_change``).

The one reader and writer of both tables. An alert row is the engine's alert
(:data:`industrial_brain.monitor.states.ALERT_COLUMNS`) plus what it rests on: ``datasets`` (ids,
comma-separated), their highest ``grade`` and the ``lineage`` of the evaluation that opened it.
"visible to this role" is :func:`alerts` with ``grades``; times are UTC, read back as ISO text.
"""

from __future__ import annotations

import pandas as pd

from industrial_brain.store.connection import Store
from industrial_brain.store.frames import insert_frame, placeholders, where_equal

CHANGE_TABLE_COLUMNS = ("at", "actor", "alert_id", "from_state", "to_state", "reason")
#: Every column of ``alert``, JSON and times as text.
_SELECT = (
    "* REPLACE ("
    + ", ".join(f"{c}::VARCHAR AS {c}" for c in ("evidence", "lineage", "opened_at", "updated_at"))
    + ")"
)


def alerts(
    store: Store,
    *,
    state: str | None = None,
    severity: str | None = None,
    region_code: str | None = None,
    rule: str | None = None,
    grades=None,
) -> pd.DataFrame:
    """Stored alerts (every column of ``alert``), filtered by the given fields; ``grades``: only
    alerts of these grades. Most recently changed first, then by id."""
    where, params = ["TRUE"], []
    where_equal(
        where,
        params,
        (("state", state), ("severity", severity), ("region_code", region_code), ("rule", rule)),
    )
    if grades is not None:
        where.append(f"grade IN ({placeholders(grades, params)})")
    f = store.query(
        f"SELECT {_SELECT} FROM alert WHERE {' AND '.join(where)} ORDER BY updated_at DESC, alert_id",
        params,
    )
    for c in ("year", "last_year", "cleared_year"):
        f[c] = pd.array(f[c], dtype="Int64")
    return f


def alert_row(store: Store, alert_id: str) -> dict | None:
    """One alert as a dict (missing values as None), or None when there is none."""
    f = store.query(f"SELECT {_SELECT} FROM alert WHERE alert_id = ?", [alert_id])
    if f.empty:
        return None
    return {k: (None if pd.isna(v) else v) for k, v in f.iloc[0].items()}


def write_alerts(store: Store, frame: pd.DataFrame) -> int:
    """Insert the alerts of ``frame`` (columns named as the table's) or replace the stored rows of the
    same ids (call inside a transaction); returns the number of rows written."""
    if frame.empty:
        return 0
    rows = frame.astype(object)
    rows = rows.where(rows.notna(), None)
    params: list = []
    store.con.execute(
        f"DELETE FROM alert WHERE alert_id IN ({placeholders(rows['alert_id'], params)})", params
    )
    insert_frame(store, "alert", rows)
    return len(rows)


def insert_changes(store: Store, changes: pd.DataFrame) -> None:
    """Append state changes (:data:`CHANGE_TABLE_COLUMNS`; call inside the alerts' transaction)."""
    if len(changes):
        insert_frame(store, "alert_change", changes.reindex(columns=list(CHANGE_TABLE_COLUMNS)))


def alert_changes(store: Store, alert_id: str | None = None) -> pd.DataFrame:
    """The state changes (of one alert), oldest first, ``at`` as ISO text."""
    where, params = ["TRUE"], []
    where_equal(where, params, (("alert_id", alert_id),))
    return store.query(
        'SELECT "at"::VARCHAR AS "at", actor, alert_id, from_state, to_state, reason FROM alert_change '
        f'WHERE {" AND ".join(where)} ORDER BY "at", rowid',
        params,
    )
