"""Accounts, passwords, bearer tokens and dataset grades: the rules behind every login and read check.

* Passwords are hashed with argon2id (``argon2-cffi``, the reference implementation's bindings);
  only the hash is stored (:mod:`industrial_brain.store.accounts`).
* Passwords must pass :func:`password_problem`: 12–1024 characters, not the user name, and a
  zxcvbn strength score of at least 3 of 4 (``zxcvbn``, the Python port of Dropbox's estimator:
  Wheeler 2016, "zxcvbn: Low-Budget Password Strength Estimation", USENIX Security; its frequency
  lists hold the most common passwords of public breaches, English words, names and keyboard
  patterns). This follows NIST SP 800-63B §5.1.1.2: a length floor plus a check against lists of
  commonly used, expected or compromised values, no composition rules.
* A login returns a random bearer token (``secrets.token_urlsafe(32)``); the store keeps only its
  SHA-256 with an expiry, so a copy of the database gives no usable token. A token lives
  :data:`TOKEN_TTL` (12 h) by the UTC clock: every time here is tz-aware UTC (:func:`utc_now`), and
  the store compares with the time passed from Python, never with the server's local time.
* Account roles are ``admin``, ``analyst``, ``enterprise`` and ``steward``; an enterprise account is
  bound to a registered enterprise (its ``uscc``). An account may belong to one **department** (the
  tenant of data sharing, :mod:`industrial_brain.services.sharing`); a steward must: it decides the
  requests for its department's data products. Dataset grades are ordered ``general < important < core``;
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
from zxcvbn import zxcvbn

from industrial_brain.errors import AccessError, InputError
from industrial_brain.store import accounts as stored
from industrial_brain.store.connection import Store
from industrial_brain.services.access import GRADES, grades_of, grades_up_to
from industrial_brain.store.datasets import datasets_with_grade
from industrial_brain.store.enterprises import registered_usccs
from industrial_brain.store.sharing import department_exists

__all__ = [
    "ACCOUNT_ROLES",
    "GRADES",
    "Account",
    "add_user",
    "remove_user",
    "list_users",
    "issue_token",
    "authenticate",
    "revoke_token",
    "grades_up_to",
    "grades_of",
    "readable_datasets",
]

ACCOUNT_ROLES = ("admin", "analyst", "enterprise", "steward")
TOKEN_TTL = _dt.timedelta(hours=12)
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@-]{2,64}$")
#: Password length bounds (characters). Longer ones are refused before hashing (argon2 cost is per byte too).
MIN_PASSWORD, MAX_PASSWORD = 12, 1024
#: Lowest zxcvbn score accepted (0 = too guessable … 4 = very unguessable; 3 ≈ 10^8–10^10 guesses).
MIN_PASSWORD_SCORE = 3
#: zxcvbn scores the first characters only (its matchers are super-linear in the length; it refuses > 72).
_SCORED_CHARS = 72

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not-a-real-password")


@dataclass(frozen=True)
class Account:
    """A stored account as the checks see it: name, role, for an enterprise account its ``uscc``, and
    the department it belongs to (None: none)."""

    username: str
    role: str
    uscc: str | None = None
    department: str | None = None


def utc_now() -> _dt.datetime:
    """The current time, tz-aware in UTC (the one clock of accounts and tokens)."""
    return _dt.datetime.now(_dt.UTC)


def password_problem(password: str, username: str = "") -> str | None:
    """Why ``password`` is refused for ``username`` (one line naming the rule), or None when it is accepted.

    Rules, in order: at least :data:`MIN_PASSWORD` and at most :data:`MAX_PASSWORD` characters; not the
    user name (nor the user name plus a few characters); a zxcvbn score of at least
    :data:`MIN_PASSWORD_SCORE` with the user name as a known input (Wheeler 2016).

    >>> password_problem("aaaaaaaaaa")
    'too short: at least 12 characters'
    >>> password_problem("password123456")
    'too easy to guess (strength 1 of 4, at least 3 needed): This is similar to a commonly used password.'
    >>> password_problem("alice.example1", "alice.example1")
    'the same as the user name'
    >>> password_problem("synthetic-pass-123") is None
    True
    """
    password = password or ""
    if len(password) < MIN_PASSWORD:
        return f"too short: at least {MIN_PASSWORD} characters"
    if len(password) > MAX_PASSWORD:
        return f"too long: at most {MAX_PASSWORD} characters"
    name = (username or "").casefold()
    if name and (
        password.casefold() == name or (name in password.casefold() and len(password) - len(name) < 6)
    ):
        return "the same as the user name"
    result = zxcvbn(password[:_SCORED_CHARS], user_inputs=[username] if username else [])
    if result["score"] < MIN_PASSWORD_SCORE:
        hint = result["feedback"]["warning"] or " ".join(result["feedback"]["suggestions"][:1])
        return (
            f"too easy to guess (strength {result['score']} of 4, at least {MIN_PASSWORD_SCORE} needed)"
            + (f": {hint}" if hint else "")
        )
    return None


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


def add_user(
    store: Store,
    username: str,
    password: str,
    role: str,
    uscc: str | None = None,
    department: str | None = None,
) -> None:
    """Create an account; enterprise accounts must name a registered enterprise (``uscc``), stewards a
    stored department (``department``; other accounts may belong to one, enterprise accounts never)."""
    if not USERNAME_RE.match(username or ""):
        raise InputError.at(
            "bad user name", column="username", value=username, expected="2–64 letters, digits or _ . @ -"
        )
    if role not in ACCOUNT_ROLES:
        raise InputError.at("unknown role", column="role", value=role, expected=" | ".join(ACCOUNT_ROLES))
    problem = password_problem(password, username)
    if problem is not None:
        raise InputError.at(
            f"password refused: {problem}",
            column="password",
            expected=f"{MIN_PASSWORD}+ characters, not the user name, not a common or patterned password",
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
    if role == "steward" and not department:
        raise InputError.at(
            "a steward needs its department", column="department", expected="the id of a stored department"
        )
    if department and role == "enterprise":
        raise InputError.at(
            "enterprise accounts belong to no department",
            column="department",
            value=department,
            expected="no department for role enterprise",
        )
    if department and not department_exists(store, department):
        raise InputError.at(
            "unknown department",
            column="department",
            value=department,
            expected="the id of a department added with `ibrain data department add`",
        )
    if stored.user_exists(store, username):
        raise InputError.at("user exists", column="username", value=username, expected="a new user name")
    with store.transaction():
        stored.insert_user(store, username, hash_password(password), role, uscc, utc_now(), department)
        store.audit(
            "user_add",
            f"user:{username}",
            f"role={role}"
            + (f" uscc={uscc}" if uscc else "")
            + (f" department={department}" if department else ""),
        )


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
    """Accounts: ``username, role, uscc, department, created_at, disabled`` (never a password hash)."""
    return stored.users(store)


def issue_token(store: Store, username: str, now: _dt.datetime | None = None) -> tuple[str, _dt.datetime]:
    """A new bearer token for ``username`` and its expiry: ``now + TOKEN_TTL``, tz-aware UTC
    (``now`` defaults to :func:`utc_now`; pass one to test a clock)."""
    token = secrets.token_urlsafe(32)
    issued = now or utc_now()
    expires = (issued + TOKEN_TTL).astimezone(_dt.UTC)
    stored.insert_token(store, token_digest(token), username, issued, expires)
    return token, expires


def authenticate(store: Store, username: str, password: str) -> Account | None:
    """The account when ``password`` is right and the account enabled, else None.

    The same argon2 work is done whether or not the user exists (no timing hint of which names exist).
    """
    row = stored.credentials(store, username)
    if row is None:
        verify_password(_DUMMY_HASH, password)
        return None
    password_hash, role, uscc, disabled, department = row
    if disabled or not verify_password(password_hash, password):
        return None
    return Account(username, role, uscc, department)


def token_session(store: Store, token: str, now: _dt.datetime | None = None) -> tuple[Account, _dt.datetime]:
    """The enabled account holding bearer ``token`` and the token's expiry (tz-aware UTC), when the
    token is unexpired at ``now`` (default :func:`utc_now`; rule ``now < expires_at``);
    :class:`AccessError` otherwise."""
    row = stored.token_account(store, token_digest(token), now or utc_now())
    if row is None:
        raise AccessError("invalid or expired token: log in again")
    *who, expires = row
    return Account(*who), expires


def revoke_token(store: Store, token: str) -> None:
    """Forget a bearer token (logout)."""
    stored.delete_token(store, token_digest(token))


def readable_datasets(store: Store, max_grade: str) -> list[str]:
    """Ids of the stored datasets whose grade is at or below ``max_grade``."""
    return datasets_with_grade(store, grades_up_to(max_grade))


def account_principal(store: Store, username: str) -> Account:
    """The enabled stored account ``username`` (for commands run on the store's file on its behalf:
    ``ibrain data request --user``); :class:`InputError` when there is none."""
    row = stored.credentials(store, username)
    if row is None or row[3]:
        raise InputError.at(
            "no such enabled user", column="username", value=username, expected="the name of a stored account"
        )
    return Account(username, row[1], row[2], row[4])
