"""Accounts, passwords, bearer tokens and dataset grades: the rules behind every login and read check.

* Passwords are hashed with argon2id (``argon2-cffi``, the reference implementation's bindings);
  only the hash is stored (:mod:`industrial_brain.store.accounts`).
* A login returns a random bearer token (``secrets.token_urlsafe(32)``); the store keeps only its
  SHA-256 with an expiry, so a copy of the database gives no usable token.
* Account roles are ``admin``, ``analyst`` and ``enterprise``; an enterprise account is bound to a
  registered enterprise (its ``uscc``). Dataset grades are ordered ``general < important < core``;
  which grade a role may read is the access policy (:mod:`industrial_brain.services.access`;
  ``GRADES``, ``grades_up_to`` and ``grades_of`` are re-exported here).

Used by the REST API (login, token checks) and the CLI (``ibrain user add/remove/list``).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import re
import secrets
from dataclasses import dataclass

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from industrial_brain.errors import AccessError, InputError
from industrial_brain.store import accounts as stored
from industrial_brain.store.connection import Store
from industrial_brain.services.access import GRADES, grades_of, grades_up_to
from industrial_brain.store.datasets import datasets_with_grade
from industrial_brain.store.enterprises import registered_usccs

__all__ = [
    "ACCOUNT_ROLES",
    "GRADES",
    "Account",
    "add_user",
    "remove_user",
    "list_users",
    "issue_token",
    "authenticate",
    "account_for_token",
    "revoke_token",
    "grades_up_to",
    "grades_of",
    "readable_datasets",
]

ACCOUNT_ROLES = ("admin", "analyst", "enterprise")
TOKEN_TTL = _dt.timedelta(hours=12)
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@-]{2,64}$")
MIN_PASSWORD = 10

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not-a-real-password")


@dataclass(frozen=True)
class Account:
    """A stored account as the checks see it: name, role and, for an enterprise account, its ``uscc``."""

    username: str
    role: str
    uscc: str | None = None


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (PHC string, salt included)."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches ``password_hash``; False for a mismatch or an unreadable hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def token_digest(token: str) -> str:
    """SHA-256 (hex) of a bearer token: what the store keeps instead of the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_user(store: Store, username: str, password: str, role: str, uscc: str | None = None) -> None:
    """Create an account; enterprise accounts must name a registered enterprise (``uscc``)."""
    if not USERNAME_RE.match(username or ""):
        raise InputError.at(
            "bad user name", column="username", value=username, expected="2–64 letters, digits or _ . @ -"
        )
    if role not in ACCOUNT_ROLES:
        raise InputError.at("unknown role", column="role", value=role, expected=" | ".join(ACCOUNT_ROLES))
    if len(password or "") < MIN_PASSWORD:
        raise InputError.at(
            "password too short", column="password", expected=f"at least {MIN_PASSWORD} characters"
        )
    if role == "enterprise":
        if not uscc:
            raise InputError.at(
                "an enterprise account needs its enterprise",
                column="uscc",
                expected="the USCC of a registered enterprise",
            )
        if not registered_usccs(store, [uscc]):
            raise InputError.at(
                "enterprise not registered",
                column="uscc",
                value=uscc,
                expected="the USCC of an enterprise in a stored enterprise dataset",
            )
    elif uscc:
        raise InputError.at(
            "only enterprise accounts are bound to an enterprise",
            column="uscc",
            value=uscc,
            expected=f"no enterprise for role {role}",
        )
    if stored.user_exists(store, username):
        raise InputError.at("user exists", column="username", value=username, expected="a new user name")
    with store.transaction():
        stored.insert_user(store, username, hash_password(password), role, uscc)
        store.audit("user_add", f"user:{username}", f"role={role}" + (f" uscc={uscc}" if uscc else ""))


def remove_user(store: Store, username: str) -> None:
    """Delete an account and revoke its tokens."""
    if not stored.user_exists(store, username):
        raise InputError.at(
            "no such user", column="username", value=username, expected="the name of a stored account"
        )
    with store.transaction():
        stored.delete_user(store, username)
        store.audit("user_remove", f"user:{username}", "")


def list_users(store: Store) -> pd.DataFrame:
    """Accounts: ``username, role, uscc, created_at, disabled`` (never a password hash)."""
    return stored.users(store)


def issue_token(store: Store, username: str) -> tuple[str, _dt.datetime]:
    """A new bearer token for ``username`` and its expiry (naive UTC, now + :data:`TOKEN_TTL`)."""
    token = secrets.token_urlsafe(32)
    expires = _dt.datetime.now(_dt.UTC).replace(tzinfo=None) + TOKEN_TTL
    stored.insert_token(store, token_digest(token), username, expires)
    return token, expires


def authenticate(store: Store, username: str, password: str) -> Account | None:
    """The account when ``password`` is right and the account enabled, else None.

    The same argon2 work is done whether or not the user exists (no timing hint of which names exist).
    """
    row = stored.credentials(store, username)
    if row is None:
        verify_password(_DUMMY_HASH, password)
        return None
    password_hash, role, uscc, disabled = row
    if disabled or not verify_password(password_hash, password):
        return None
    return Account(username, role, uscc)


def account_for_token(store: Store, token: str) -> Account:
    """The enabled account holding the unexpired bearer ``token``; :class:`AccessError` otherwise."""
    row = stored.token_account(store, token_digest(token))
    if row is None:
        raise AccessError("invalid or expired token: log in again")
    return Account(*row)


def revoke_token(store: Store, token: str) -> None:
    """Forget a bearer token (logout)."""
    stored.delete_token(store, token_digest(token))


def readable_datasets(store: Store, max_grade: str) -> list[str]:
    """Ids of the stored datasets whose grade is at or below ``max_grade``."""
    return datasets_with_grade(store, grades_up_to(max_grade))
