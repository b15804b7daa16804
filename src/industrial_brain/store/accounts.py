"""Accounts of the REST API (``app_user``) and their bearer tokens (``api_token``).

The one reader and writer of both tables. Passwords arrive here already hashed (argon2id) and
tokens as their SHA-256 digest: this module never sees a secret (see
:mod:`industrial_brain.services.accounts`).

Times: the ``TIMESTAMP`` columns hold UTC wall-clock times without a zone. Every time is passed in
from Python (:func:`utc_naive`); SQL ``now()`` is never used here, because casting DuckDB's
``TIMESTAMP WITH TIME ZONE`` to ``TIMESTAMP`` gives the *session's local* time (the ``TimeZone``
setting, by default the machine's zone), which made tokens live 12 h minus the UTC offset.
"""

from __future__ import annotations

import datetime as _dt

import pandas as pd

from industrial_brain.store.connection import Store


def utc_naive(t: _dt.datetime) -> _dt.datetime:
    """``t`` as a zone-less UTC time, the form stored in the ``TIMESTAMP`` columns.

    A tz-aware time is converted to UTC; a naive one is refused (its zone is unknown).

    >>> utc_naive(_dt.datetime(2026, 1, 1, 12, 0, tzinfo=_dt.timezone(_dt.timedelta(hours=13))))
    datetime.datetime(2025, 12, 31, 23, 0)
    """
    if t.tzinfo is None or t.utcoffset() is None:
        raise ValueError("a tz-aware time is needed (got a naive datetime)")
    return t.astimezone(_dt.UTC).replace(tzinfo=None)


def user_exists(store: Store, username: str) -> bool:
    """True when an account of this name is stored."""
    return bool(store.con.execute("SELECT 1 FROM app_user WHERE username = ?", [username]).fetchall())


def insert_user(
    store: Store,
    username: str,
    password_hash: str,
    role: str,
    uscc: str | None,
    now: _dt.datetime,
    department: str | None = None,
) -> None:
    """Write one account row created at ``now`` (tz-aware; call inside a transaction); ``department``:
    the tenant the account belongs to (None: none)."""
    store.con.execute(
        "INSERT INTO app_user (username, password_hash, role, uscc, created_at, disabled, department) "
        "VALUES (?, ?, ?, ?, ?, FALSE, ?)",
        [username, password_hash, role, uscc, utc_naive(now), department],
    )


def delete_user(store: Store, username: str) -> None:
    """Delete an account and every token issued to it (call inside a transaction)."""
    store.con.execute("DELETE FROM api_token WHERE username = ?", [username])
    store.con.execute("DELETE FROM app_user WHERE username = ?", [username])


def users(store: Store) -> pd.DataFrame:
    """Accounts (``username, role, uscc, department, created_at, disabled``; never the password hash),
    by name."""
    return store.query(
        "SELECT username, role, uscc, department, created_at, disabled FROM app_user ORDER BY username"
    )


def credentials(store: Store, username: str) -> tuple[str, str, str | None, bool, str | None] | None:
    """``(password_hash, role, uscc, disabled, department)`` of an account, or None when there is none."""
    rows = store.con.execute(
        "SELECT password_hash, role, uscc, disabled, department FROM app_user WHERE username = ?", [username]
    ).fetchall()
    return tuple(rows[0]) if rows else None


def insert_token(
    store: Store, digest: str, username: str, created_at: _dt.datetime, expires_at: _dt.datetime
) -> None:
    """Store a token's SHA-256 ``digest`` for ``username``, valid from ``created_at`` until ``expires_at``
    (both tz-aware; stored as UTC)."""
    store.con.execute(
        "INSERT INTO api_token (token_sha256, username, created_at, expires_at) VALUES (?, ?, ?, ?)",
        [digest, username, utc_naive(created_at), utc_naive(expires_at)],
    )


def token_account(
    store: Store, digest: str, now: _dt.datetime
) -> tuple[str, str, str | None, str | None, _dt.datetime] | None:
    """``(username, role, uscc, department, expires_at)`` of the enabled account holding a token unexpired
    at ``now`` (tz-aware; rule: ``expires_at > now``, both in UTC), or None. ``expires_at`` is returned
    tz-aware."""
    rows = store.con.execute(
        "SELECT u.username, u.role, u.uscc, u.department, t.expires_at FROM api_token t "
        "JOIN app_user u USING (username) WHERE t.token_sha256 = ? AND t.expires_at > ? AND NOT u.disabled",
        [digest, utc_naive(now)],
    ).fetchall()
    if not rows:
        return None
    username, role, uscc, department, expires = rows[0]
    return username, role, uscc, department, expires.replace(tzinfo=_dt.UTC)


def delete_token(store: Store, digest: str) -> None:
    """Forget one token (logout)."""
    store.con.execute("DELETE FROM api_token WHERE token_sha256 = ?", [digest])
