"""Who may do what in the REST API: the caller (:class:`Principal`) and the login rate limit.

* The access policy — roles ``admin`` > ``analyst`` > ``enterprise`` > ``public`` (no login), the
  highest dataset grade each may read (:data:`ROLE_MAX_GRADE`), enterprise accounts bound to their
  own enterprise, job runs owned by their submitter — is a service shared with the CLI and reports:
  :mod:`industrial_brain.services.access`; its names are re-exported here.
* Passwords, tokens and accounts are a service (:mod:`industrial_brain.services.accounts`).
* Login attempts are limited per client address and per user name (:class:`LoginLimiter`).

Written by hand: the rate limiter (a sliding window of a few lines) — the maintained limiters
(slowapi, limits) bring a storage layer we do not need for one endpoint.
"""

from __future__ import annotations

import threading
import time
from collections import deque

from industrial_brain.services.access import GRADES, PUBLIC, ROLE_MAX_GRADE, ROLES, Principal

__all__ = ["GRADES", "PUBLIC", "ROLE_MAX_GRADE", "ROLES", "Principal", "LoginLimiter"]


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
