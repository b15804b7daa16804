"""Departments, data products, grants between departments, their uses and differentially private releases.

The one reader and writer of ``department``, ``data_product``, ``data_grant``, ``grant_use`` and
``privacy_release`` (migration 11). The rules (who may publish, request, decide, read) are the
services' (:mod:`industrial_brain.services.sharing`, :mod:`industrial_brain.services.access`);
here are the rows.

Times: UTC wall-clock times without a zone, passed in from Python (``store.accounts.utc_naive``),
never SQL ``now()`` (see :mod:`industrial_brain.store.accounts`).
"""

from __future__ import annotations

import datetime as _dt
import json

import pandas as pd

from industrial_brain.store.accounts import utc_naive
from industrial_brain.store.connection import Store
from industrial_brain.store.frames import placeholders

PRODUCT_COLUMNS = (
    "product_id, kind, object_id, holder, processor, operator, title_zh, title_en, description, "
    "publisher, licence, temporal_start, temporal_end, spatial, update_frequency, grade, quality, lineage, "
    "terms, forms, measures, epsilon_budget, public_epsilon, published_by, published_at"
)
GRANT_COLUMNS = (
    "grant_id, product_id, grantee, requested_by, purpose, scope, form, days, epsilon, status, requested_at, "
    "decided_by, decided_at, reason, expires_at, revoked_by, revoked_at, revoke_reason"
)


# ---- departments ---------------------------------------------------------------------------------


def department_exists(store: Store, department_id: str) -> bool:
    """True when a department of this id is stored."""
    return bool(
        store.con.execute("SELECT 1 FROM department WHERE department_id = ?", [department_id]).fetchall()
    )


def insert_department(
    store: Store, department_id: str, name_zh: str, name_en: str, now: _dt.datetime
) -> None:
    """Write one department (call inside a transaction)."""
    store.con.execute(
        "INSERT INTO department VALUES (?, ?, ?, ?)", [department_id, name_zh, name_en, utc_naive(now)]
    )


def departments(store: Store) -> pd.DataFrame:
    """Departments with their number of accounts: ``department_id, name_zh, name_en, created_at,
    accounts``."""
    return store.query(
        "SELECT d.department_id, d.name_zh, d.name_en, d.created_at, count(u.username) AS accounts "
        "FROM department d LEFT JOIN app_user u ON u.department = d.department_id "
        "GROUP BY ALL ORDER BY d.department_id"
    )


# ---- products ------------------------------------------------------------------------------------


def insert_product(store: Store, row: dict) -> None:
    """Write one data product (``row``: every column of :data:`PRODUCT_COLUMNS`; ``quality`` and
    ``lineage`` as Python objects, stored as JSON; ``published_at`` tz-aware). Call inside a transaction."""
    cols = [c.strip() for c in PRODUCT_COLUMNS.split(",")]
    values = dict(row)
    values["quality"] = json.dumps(values.get("quality"), ensure_ascii=False)
    values["lineage"] = json.dumps(values.get("lineage"), ensure_ascii=False)
    values["measures"] = json.dumps(values.get("measures") or {}, ensure_ascii=False)
    values["published_at"] = utc_naive(values["published_at"])
    store.con.execute(
        f"INSERT INTO data_product ({PRODUCT_COLUMNS}) VALUES ({', '.join('?' * len(cols))})",
        [values.get(c) for c in cols],
    )


def products(store: Store, product_id: str | None = None) -> pd.DataFrame:
    """Published data products (every column; ``quality`` and ``lineage`` as JSON text), by id."""
    where, params = ("WHERE product_id = ?", [product_id]) if product_id is not None else ("", [])
    return store.query(f"SELECT {PRODUCT_COLUMNS} FROM data_product {where} ORDER BY product_id", params)


def product_exists(store: Store, product_id: str) -> bool:
    """True when a product of this id is stored."""
    return bool(store.con.execute("SELECT 1 FROM data_product WHERE product_id = ?", [product_id]).fetchall())


# ---- grants --------------------------------------------------------------------------------------


def insert_request(store: Store, row: dict) -> None:
    """Write one access request (status ``pending``; ``scope`` a dict stored as JSON, ``requested_at``
    tz-aware). Call inside a transaction."""
    store.con.execute(
        "INSERT INTO data_grant (grant_id, product_id, grantee, requested_by, purpose, scope, form, days, "
        "epsilon, status, requested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)",
        [
            row["grant_id"],
            row["product_id"],
            row["grantee"],
            row["requested_by"],
            row["purpose"],
            json.dumps(row["scope"], ensure_ascii=False),
            row["form"],
            int(row["days"]),
            float(row["epsilon"]),
            utc_naive(row["requested_at"]),
        ],
    )


def decide_request(
    store: Store,
    grant_id: str,
    *,
    approve: bool,
    by: str,
    reason: str,
    at: _dt.datetime,
    expires_at: _dt.datetime | None,
) -> None:
    """Approve or refuse a pending request (call inside a transaction)."""
    store.con.execute(
        "UPDATE data_grant SET status = ?, decided_by = ?, decided_at = ?, reason = ?, expires_at = ? "
        "WHERE grant_id = ? AND status = 'pending'",
        [
            "approved" if approve else "refused",
            by,
            utc_naive(at),
            reason,
            utc_naive(expires_at) if expires_at is not None else None,
            grant_id,
        ],
    )


def revoke_grant(store: Store, grant_id: str, *, by: str, reason: str, at: _dt.datetime) -> None:
    """Mark an approved grant revoked at ``at`` (call inside a transaction)."""
    store.con.execute(
        "UPDATE data_grant SET status = 'revoked', revoked_by = ?, revoked_at = ?, revoke_reason = ? "
        "WHERE grant_id = ? AND status = 'approved'",
        [by, utc_naive(at), reason, grant_id],
    )


def grants(
    store: Store,
    *,
    grant_id: str | None = None,
    product_id: str | None = None,
    grantee: str | None = None,
    holder: str | None = None,
    status: str | None = None,
) -> pd.DataFrame:
    """Requests and grants (every column of :data:`GRANT_COLUMNS` plus the product's ``holder`` and
    ``title_en``), newest request first, filtered by any of the arguments."""
    where, params = ["TRUE"], []
    for col, val in (
        ("g.grant_id", grant_id),
        ("g.product_id", product_id),
        ("g.grantee", grantee),
        ("p.holder", holder),
        ("g.status", status),
    ):
        if val is not None:
            where.append(f"{col} = ?")
            params.append(val)
    cols = ", ".join(f"g.{c.strip()}" for c in GRANT_COLUMNS.split(","))
    return store.query(
        f"SELECT {cols}, p.holder, p.title_en FROM data_grant g JOIN data_product p USING (product_id) "
        f"WHERE {' AND '.join(where)} ORDER BY g.requested_at DESC, g.grant_id",
        params,
    )


def sharing_snapshot(store: Store) -> tuple[list[tuple], list[tuple]]:
    """What the access policy needs, in two small reads: ``(product_id, kind, object_id, holder)`` of
    every product and ``(grant_id, product_id, grantee, form, scope, expires_at, epsilon)`` of every
    approved grant (``expires_at`` naive UTC)."""
    prods = store.con.execute("SELECT product_id, kind, object_id, holder FROM data_product").fetchall()
    approved = store.con.execute(
        "SELECT grant_id, product_id, grantee, form, scope, expires_at, epsilon FROM data_grant "
        "WHERE status = 'approved'"
    ).fetchall()
    return prods, approved


# ---- uses and DP releases ------------------------------------------------------------------------


def insert_use(store: Store, row: dict) -> None:
    """Write one use of a product (``at`` tz-aware; call inside a transaction)."""
    store.con.execute(
        'INSERT INTO grant_use ("at", grant_id, product_id, actor, department, form, what, rows_returned, '
        "epsilon) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            utc_naive(row["at"]),
            row.get("grant_id"),
            row["product_id"],
            row["actor"],
            row.get("department"),
            row["form"],
            row["what"][:1000],
            int(row["rows_returned"]),
            float(row.get("epsilon", 0.0)),
        ],
    )


def uses(store: Store, *, holder: str | None = None, product_id: str | None = None) -> pd.DataFrame:
    """Uses of products (``at, grant_id, product_id, actor, department, form, what, rows_returned,
    epsilon``), newest first, of one holder's products or of one product."""
    where, params = ["TRUE"], []
    if holder is not None:
        where.append("p.holder = ?")
        params.append(holder)
    if product_id is not None:
        where.append("u.product_id = ?")
        params.append(product_id)
    return store.query(
        'SELECT u."at", u.grant_id, u.product_id, u.actor, u.department, u.form, u.what, u.rows_returned, '
        "u.epsilon FROM grant_use u JOIN data_product p USING (product_id) "
        f'WHERE {" AND ".join(where)} ORDER BY u."at" DESC',
        params,
    )


def released_answer(store: Store, release_key: str) -> tuple[str, float] | None:
    """``(answer JSON, epsilon)`` of a stored DP release, or None."""
    rows = store.con.execute(
        "SELECT answer, epsilon FROM privacy_release WHERE release_key = ?", [release_key]
    ).fetchall()
    return (rows[0][0], float(rows[0][1])) if rows else None


def epsilon_spent(
    store: Store, product_id: str, *, grantee: str | None = None, grant_id: str | None = None
) -> float:
    """ε spent on ``product_id`` by every release, or by those of one ``grantee`` (a department or
    ``public``) or one grant."""
    where, params = ["product_id = ?"], [product_id]
    if grantee is not None:
        where.append("grantee = ?")
        params.append(grantee)
    if grant_id is not None:
        where.append("grant_id = ?")
        params.append(grant_id)
    (total,) = store.con.execute(
        f"SELECT coalesce(sum(epsilon), 0) FROM privacy_release WHERE {' AND '.join(where)}", params
    ).fetchone()
    return float(total)


def insert_release(store: Store, row: dict) -> None:
    """Write one DP release (``answer`` a JSON-ready object; ``at`` tz-aware). Call inside a transaction."""
    store.con.execute(
        'INSERT INTO privacy_release (release_key, product_id, grantee, grant_id, "at", epsilon, query, '
        "answer) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            row["release_key"],
            row["product_id"],
            row["grantee"],
            row.get("grant_id"),
            utc_naive(row["at"]),
            float(row["epsilon"]),
            row["query"],
            json.dumps(row["answer"], ensure_ascii=False),
        ],
    )


def privacy_spend(store: Store, ids) -> dict[str, float]:
    """``grant_id → ε spent`` for the given grants."""
    ids = list(ids)
    if not ids:
        return {}
    params: list = []
    rows = store.con.execute(
        "SELECT grant_id, sum(epsilon) FROM privacy_release "
        f"WHERE grant_id IN ({placeholders(ids, params)}) GROUP BY grant_id",
        params,
    ).fetchall()
    return {g: float(e) for g, e in rows}
