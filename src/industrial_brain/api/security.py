"""Who may do what in the REST API: roles, the grade each may read, and the login rate limit.

* Roles: ``admin`` > ``analyst`` > ``enterprise`` > ``public`` (no login). The highest dataset grade
  each role may read is :data:`ROLE_MAX_GRADE`; an enterprise account reads enterprise-level rows of
  its own enterprise only (``uscc`` bound to the account).
* Passwords, tokens and accounts are a service (:mod:`industrial_brain.services.accounts`).
* Login attempts are limited per client address and per user name (:class:`LoginLimiter`).

Written by hand: the rate limiter (a sliding window of a few lines) — the maintained limiters
(slowapi, limits) bring a storage layer we do not need for one endpoint.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass

from industrial_brain.services.accounts import GRADES, Account

ROLES = ("admin", "analyst", "enterprise", "public")
#: Highest dataset grade a role may read.
ROLE_MAX_GRADE = {"public": "general", "enterprise": "general", "analyst": "important", "admin": "core"}


@dataclass(frozen=True)
class Principal:
    """Who is calling: ``role`` and, for an enterprise account, its ``uscc``."""

    username: str | None
    role: str
    uscc: str | None = None

    @classmethod
    def of(cls, account: Account) -> "Principal":
        """The caller behind a stored account."""
        return cls(account.username, account.role, account.uscc)

    @property
    def max_grade(self) -> str:
        """The highest dataset grade this caller may read."""
        return ROLE_MAX_GRADE[self.role]

    def may_read_grade(self, grade: str) -> bool:
        """True when data of ``grade`` is at or below :attr:`max_grade`."""
        return GRADES.index(grade) <= GRADES.index(self.max_grade)

    @property
    def actor(self) -> str:
        """The audit table's actor of this caller (``api:<user>`` or ``api:public``)."""
        return f"api:{self.username}" if self.username else "api:public"


PUBLIC = Principal(None, "public")


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
            waits = [
                self.window - (now - q[0]) for k in keys if len(q := self._recent(k, now)) >= self.attempts
            ]
        return max(waits, default=0.0)

    def failed(self, *keys: str) -> None:
        """Record one failed attempt under each key."""
        now = time.monotonic()
        with self._lock:
            for k in keys:
                self._recent(k, now).append(now)

    def reset(self, *keys: str) -> None:
        """Forget the failures under ``keys`` (after a successful login)."""
        with self._lock:
            for k in keys:
                self._fails.pop(k, None)
