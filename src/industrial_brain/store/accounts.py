"""Accounts of the REST API (``app_user``) and their bearer tokens (``api_token``).

The one reader and writer of both tables. Passwords arrive here already hashed (argon2id) and
tokens as their SHA-256 digest: this module never sees a secret (see
:mod:`industrial_brain.services.accounts`).
"""

from __future__ import annotations

import datetime as _dt

import pandas as pd

from industrial_brain.store.connection import Store


def user_exists(store: Store, username: str) -> bool:
    """True when an account of this name is stored."""
    return bool(store.con.execute("SELECT 1 FROM app_user WHERE username = ?", [username]).fetchall())


def insert_user(store: Store, username: str, password_hash: str, role: str, uscc: str | None) -> None:
    """Write one account row (call inside a transaction)."""
    store.con.execute(
        "INSERT INTO app_user (username, password_hash, role, uscc, created_at, disabled) "
        "VALUES (?, ?, ?, ?, now(), FALSE)",
        [username, password_hash, role, uscc],
    )


def delete_user(store: Store, username: str) -> None:
    """Delete an account and every token issued to it (call inside a transaction)."""
    store.con.execute("DELETE FROM api_token WHERE username = ?", [username])
    store.con.execute("DELETE FROM app_user WHERE username = ?", [username])


def users(store: Store) -> pd.DataFrame:
    """Accounts (``username, role, uscc, created_at, disabled``; never the password hash), by name."""
    return store.query("SELECT username, role, uscc, created_at, disabled FROM app_user ORDER BY username")


def credentials(store: Store, username: str) -> tuple[str, str, str | None, bool] | None:
    """``(password_hash, role, uscc, disabled)`` of an account, or None when there is none."""
    rows = store.con.execute(
        "SELECT password_hash, role, uscc, disabled FROM app_user WHERE username = ?", [username]
    ).fetchall()
    return tuple(rows[0]) if rows else None


def insert_token(store: Store, digest: str, username: str, expires_at: _dt.datetime) -> None:
    """Store a token's SHA-256 ``digest`` for ``username`` until ``expires_at`` (naive UTC)."""
    store.con.execute(
        "INSERT INTO api_token (token_sha256, username, created_at, expires_at) VALUES (?, ?, now(), ?)",
        [digest, username, expires_at],
    )


def token_account(store: Store, digest: str) -> tuple[str, str, str | None] | None:
    """``(username, role, uscc)`` of the enabled account holding an unexpired token, or None."""
    rows = store.con.execute(
        "SELECT u.username, u.role, u.uscc FROM api_token t JOIN app_user u USING (username) "
        "WHERE t.token_sha256 = ? AND t.expires_at > now()::TIMESTAMP AND NOT u.disabled",
        [digest],
    ).fetchall()
    return tuple(rows[0]) if rows else None


def delete_token(store: Store, digest: str) -> None:
    """Forget one token (logout)."""
    store.con.execute("DELETE FROM api_token WHERE token_sha256 = ?", [digest])
