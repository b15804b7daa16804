"""Accounts, passwords, bearer tokens, roles, dataset grades and the login rate limit.

* Passwords are hashed with argon2id (``argon2-cffi``, the reference implementation's bindings);
  only the hash is stored (table ``app_user``).
* A login returns a random bearer token (``secrets.token_urlsafe(32)``); the store keeps only its
  SHA-256 with an expiry (table ``api_token``), so a copy of the database gives no usable token.
* Roles: ``admin`` > ``analyst`` > ``enterprise`` > ``public`` (no login). The highest dataset grade
  each role may read is :data:`ROLE_MAX_GRADE`; an enterprise account reads enterprise-level rows of
  its own enterprise only (``uscc`` bound to the account).
* Login attempts are limited per client address and per user name (:class:`LoginLimiter`).

Written by hand: the rate limiter (a sliding window of a few lines) — the maintained limiters
(slowapi, limits) bring a storage layer we do not need for one endpoint.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import re
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from industrial_brain.errors import AccessError, InputError
from industrial_brain.store.connection import Store

ROLES = ("admin", "analyst", "enterprise", "public")
ACCOUNT_ROLES = ("admin", "analyst", "enterprise")
GRADES = ("general", "important", "core")
#: Highest dataset grade a role may read.
ROLE_MAX_GRADE = {"public": "general", "enterprise": "general", "analyst": "important", "admin": "core"}
TOKEN_TTL = _dt.timedelta(hours=12)
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@-]{2,64}$")
MIN_PASSWORD = 10

_hasher = PasswordHasher()


@dataclass(frozen=True)
class Principal:
    """Who is calling: ``role`` and, for an enterprise account, its ``uscc``."""

    username: str | None
    role: str
    uscc: str | None = None

    @property
    def max_grade(self) -> str:
        return ROLE_MAX_GRADE[self.role]

    def may_read_grade(self, grade: str) -> bool:
        return GRADES.index(grade) <= GRADES.index(self.max_grade)

    @property
    def actor(self) -> str:
        return f"api:{self.username}" if self.username else "api:public"


PUBLIC = Principal(None, "public")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# ---- accounts (used by the CLI and the API) -------------------------------------------------------

def add_user(store: Store, username: str, password: str, role: str, uscc: str | None = None) -> None:
    """Create an account; enterprise accounts must name a registered enterprise (``uscc``)."""
    if not USERNAME_RE.match(username or ""):
        raise InputError.at("bad user name", column="username", value=username,
                            expected="2–64 letters, digits or _ . @ -")
    if role not in ACCOUNT_ROLES:
        raise InputError.at("unknown role", column="--role", value=role, expected=" | ".join(ACCOUNT_ROLES))
    if len(password or "") < MIN_PASSWORD:
        raise InputError.at("password too short", column="password", expected=f"at least {MIN_PASSWORD} characters")
    if role == "enterprise":
        if not uscc:
            raise InputError.at("an enterprise account needs its enterprise", column="--enterprise",
                                expected="the USCC of a registered enterprise")
        if not store.con.execute("SELECT 1 FROM enterprise WHERE uscc = ?", [uscc]).fetchall():
            raise InputError.at("enterprise not registered", column="--enterprise", value=uscc,
                                expected="a USCC ingested with 'ibrain ingest --kind enterprise'")
    elif uscc:
        raise InputError.at("only enterprise accounts are bound to an enterprise", column="--enterprise", value=uscc,
                            expected="no --enterprise for role " + role)
    if store.con.execute("SELECT 1 FROM app_user WHERE username = ?", [username]).fetchall():
        raise InputError.at("user exists", column="username", value=username, expected="a new user name")
    with store.transaction() as con:
        con.execute("INSERT INTO app_user VALUES (?, ?, ?, ?, now(), FALSE)",
                    [username, hash_password(password), role, uscc])
        store.audit("user_add", f"user:{username}", f"role={role}" + (f" uscc={uscc}" if uscc else ""))


def remove_user(store: Store, username: str) -> None:
    if not store.con.execute("SELECT 1 FROM app_user WHERE username = ?", [username]).fetchall():
        raise InputError.at("no such user", column="username", value=username, expected="a name listed by 'ibrain user list'")
    with store.transaction() as con:
        con.execute("DELETE FROM api_token WHERE username = ?", [username])
        con.execute("DELETE FROM app_user WHERE username = ?", [username])
        store.audit("user_remove", f"user:{username}", "")


def list_users(store: Store):
    return store.query("SELECT username, role, uscc, created_at, disabled FROM app_user ORDER BY username")


def issue_token(store: Store, username: str) -> tuple[str, _dt.datetime]:
    token = secrets.token_urlsafe(32)
    expires = _dt.datetime.now(_dt.UTC).replace(tzinfo=None) + TOKEN_TTL
    store.con.execute("INSERT INTO api_token VALUES (?, ?, now(), ?)", [token_digest(token), username, expires])
    return token, expires


def authenticate(store: Store, username: str, password: str) -> Principal | None:
    rows = store.con.execute("SELECT password_hash, role, uscc, disabled FROM app_user WHERE username = ?",
                             [username]).fetchall()
    if not rows:
        verify_password(_DUMMY_HASH, password)  # same work whether or not the user exists
        return None
    h, role, uscc, disabled = rows[0]
    if disabled or not verify_password(h, password):
        return None
    return Principal(username, role, uscc)


def principal_for_token(store: Store, token: str) -> Principal:
    rows = store.con.execute(
        "SELECT u.username, u.role, u.uscc FROM api_token t JOIN app_user u USING (username) "
        "WHERE t.token_sha256 = ? AND t.expires_at > now()::TIMESTAMP AND NOT u.disabled", [token_digest(token)]).fetchall()
    if not rows:
        raise AccessError("invalid or expired token: log in again at /api/v1/auth/token")
    return Principal(*rows[0])


def revoke_token(store: Store, token: str) -> None:
    store.con.execute("DELETE FROM api_token WHERE token_sha256 = ?", [token_digest(token)])


_DUMMY_HASH = _hasher.hash("not-a-real-password")


class LoginLimiter:
    """At most ``attempts`` failed logins per ``window`` seconds per client and per user name."""

    def __init__(self, attempts: int = 5, window: float = 60.0):
        self.attempts, self.window = attempts, window
        self._fails: dict[str, deque] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque:
        q = self._fails.setdefault(key, deque())
        while q and now - q[0] > self.window:
            q.popleft()
        return q

    def retry_after(self, *keys: str) -> float:
        """Seconds until another attempt is allowed (0 if allowed now)."""
        now = time.monotonic()
        with self._lock:
            waits = [self.window - (now - q[0]) for k in keys if len(q := self._recent(k, now)) >= self.attempts]
        return max(waits, default=0.0)

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for k in keys:
                self._recent(k, now).append(now)

    def reset(self, *keys: str) -> None:
        with self._lock:
            for k in keys:
                self._fails.pop(k, None)
