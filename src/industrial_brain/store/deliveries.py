"""Alert subscriptions (``alert_subscription``) and the delivery outbox (``alert_outbox``).

The one reader and writer of both tables. A subscription names its account, what it wants (rules,
regions, tags: comma-separated, empty for every one) and a channel (``webhook`` URL or ``email``
address). The outbox holds one row per alert × subscription (``UNIQUE``: an alert is queued once per
subscriber), its payload, status ``pending | delivered``, the number of attempts, the time of the
next try and the last error. Times are UTC.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from industrial_brain.store.connection import Store
from industrial_brain.store.frames import insert_frame, where_equal

SUBSCRIPTION_COLUMNS = (
    "subscription_id, username, rules, regions, tags, channel, target, "
    "created_at::VARCHAR AS created_at, active"
)
OUTBOX_COLUMNS = (
    "delivery_id, alert_id, subscription_id, channel, target, payload::VARCHAR AS payload, status, attempts, "
    "next_try::VARCHAR AS next_try, last_error, created_at::VARCHAR AS created_at, "
    "delivered_at::VARCHAR AS delivered_at, claimed_by, claimed_until::VARCHAR AS claimed_until"
)


def insert_subscription(
    store: Store,
    *,
    subscription_id: str,
    username: str,
    rules: str,
    regions: str,
    tags: str,
    channel: str,
    target: str,
    at: str,
) -> None:
    """Write one subscription (active)."""
    store.con.execute(
        "INSERT INTO alert_subscription VALUES (?, ?, ?, ?, ?, ?, ?, ?, TRUE)",
        [subscription_id, username, rules, regions, tags, channel, target, at],
    )


def deactivate_subscription(store: Store, subscription_id: str) -> None:
    """Stop a subscription (its queued deliveries stay)."""
    store.con.execute(
        "UPDATE alert_subscription SET active = FALSE WHERE subscription_id = ?", [subscription_id]
    )


def subscriptions(store: Store, *, username: str | None = None, active: bool | None = True) -> pd.DataFrame:
    """Subscriptions (of one account; active only by default), oldest first."""
    where, params = ["TRUE"], []
    where_equal(where, params, (("username", username), ("active", active)))
    return store.query(
        f"SELECT {SUBSCRIPTION_COLUMNS} FROM alert_subscription WHERE {' AND '.join(where)} "
        "ORDER BY created_at, subscription_id",
        params,
    )


def enqueue(store: Store, rows: pd.DataFrame) -> int:
    """Queue deliveries (``delivery_id, alert_id, subscription_id, channel, target, payload, next_try,
    created_at``); a row whose alert × subscription is queued already is left out. Returns the number
    queued."""
    if rows.empty:
        return 0
    before = store.con.execute("SELECT count(*) FROM alert_outbox").fetchall()[0][0]
    frame = rows.assign(status="pending", attempts=0)
    insert_frame(store, "alert_outbox", frame, skip_existing=True)
    return store.con.execute("SELECT count(*) FROM alert_outbox").fetchall()[0][0] - before


def outbox(store: Store, *, status: str | None = None, due: str | None = None) -> pd.DataFrame:
    """Queued deliveries (of ``status``; ``due``: only those whose next try is at or before that
    UTC time), oldest first."""
    where, params = ["TRUE"], []
    where_equal(where, params, (("status", status),))
    if due is not None:
        where.append("next_try <= ?::TIMESTAMP")
        params.append(due)
    return store.query(
        f"SELECT {OUTBOX_COLUMNS} FROM alert_outbox WHERE {' AND '.join(where)} "
        "ORDER BY created_at, delivery_id",
        params,
    )


def claim(store: Store, delivery_id: str, owner: str, now: str, until: str) -> bool:
    """Claim a pending delivery for sending by ``owner`` until ``until`` (UTC); True when this caller
    got it. One conditional UPDATE: a delivery claimed by another sender whose claim has not run out,
    or delivered meanwhile, is not taken (two senders racing on one row: the second one's UPDATE finds
    nothing to change, or DuckDB refuses it as a write conflict). Call outside a transaction."""
    try:
        rows = store.con.execute(
            "UPDATE alert_outbox SET claimed_by = ?, claimed_until = ?::TIMESTAMP "
            "WHERE delivery_id = ? AND status = 'pending' "
            "AND (claimed_by IS NULL OR claimed_until < ?::TIMESTAMP) RETURNING delivery_id",
            [owner, until, delivery_id, now],
        ).fetchall()
    except duckdb.TransactionException:
        return False
    return len(rows) == 1


def mark_delivered(store: Store, delivery_id: str, at: str) -> None:
    """One more attempt, which succeeded (the claim is released)."""
    store.con.execute(
        "UPDATE alert_outbox SET status = 'delivered', attempts = attempts + 1, delivered_at = ?, "
        "last_error = NULL, claimed_by = NULL, claimed_until = NULL WHERE delivery_id = ?",
        [at, delivery_id],
    )


def mark_failed(store: Store, delivery_id: str, error: str, next_try: str) -> None:
    """One more attempt, which failed: the error (first 500 characters) and the time of the next (the
    claim is released)."""
    store.con.execute(
        "UPDATE alert_outbox SET attempts = attempts + 1, last_error = ?, next_try = ?, claimed_by = NULL, "
        "claimed_until = NULL WHERE delivery_id = ?",
        [error[:500], next_try, delivery_id],
    )
