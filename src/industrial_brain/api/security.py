"""Who may do what in the REST API: the caller (:class:`Principal`) and the login rate limit.

* The access policy — roles ``admin`` > ``analyst`` > ``enterprise`` > ``public`` (no login), the
  highest dataset grade each may read (:data:`ROLE_MAX_GRADE`), enterprise accounts bound to their
  own enterprise, job runs owned by their submitter — is a service shared with the CLI and reports:
  :mod:`industrial_brain.services.access`; its names are re-exported here.
* Passwords, tokens and accounts are a service (:mod:`industrial_brain.services.accounts`).
* Login attempts are limited per client address and per user name (:class:`LoginLimiter`): every
  attempt is counted *before* its password is checked and given back only on success, so concurrent
  guesses cannot overtake the count; user names are kept as 16-byte BLAKE2b digests, never in full,
  in a table of bounded size pruned on every call.
* Password checks (argon2id, 64 MiB each) run a few at a time (:class:`HashGate`), so a burst of
  logins cannot grow the memory without bound.

Written by hand: the login limiter (a sliding window over a bounded ordered table, a few lines). The
maintained limiters (``limits``, and ``slowapi`` on top of it) keep their in-memory keys unbounded
(expired by a timer thread scanning every key) and have no reserve-then-release of one attempt,
which the check-after-counting rule needs.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from contextlib import contextmanager

from industrial_brain.services.access import GRADES, PUBLIC, ROLE_MAX_GRADE, ROLES, Principal

__all__ = ["GRADES", "PUBLIC", "ROLE_MAX_GRADE", "ROLES", "Principal", "LoginLimiter", "HashGate", "HashBusy"]


class LoginLimiter:
    """At most ``attempts`` login attempts per ``window`` seconds per key (client address, user name).

    :meth:`reserve` counts an attempt under all its keys at once, or none when one key is full;
    :meth:`release` gives a reserved attempt back (a successful login), so only failures stay
    counted. Keys are stored as BLAKE2b digests (16 bytes); at most ``max_keys`` are tracked (the
    least recently used go first when full) and keys whose window has passed are dropped on every
    call, so the memory is bounded by ``max_keys × attempts`` whatever the names tried. O(1)
    amortised per call; thread-safe (one lock).
    """

    def __init__(
        self,
        attempts: int = 5,
        window: float = 60.0,
        max_keys: int = 10000,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.attempts, self.window, self.max_keys, self.clock = attempts, window, max_keys, clock
        self._d: OrderedDict[bytes, list[float]] = (
            OrderedDict()
        )  # digest → attempt times, oldest touched first
        self._lock = threading.Lock()

    @staticmethod
    def digest(key: str) -> bytes:
        """The stored form of a key: its 16-byte BLAKE2b digest (any length, any code points)."""
        return hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=16).digest()

    def __len__(self) -> int:
        return len(self._d)

    def _prune(self, now: float) -> None:
        d = self._d
        while d:  # least recently touched first: stop at the first key still inside its window
            k, times = next(iter(d.items()))
            if times and now - times[-1] < self.window:
                break
            del d[k]
        while len(d) > self.max_keys:
            d.popitem(last=False)

    def _recent(self, k: bytes, now: float) -> list[float]:
        times = self._d.get(k)
        if times is None:
            return []
        times[:] = [t for t in times if now - t < self.window]
        return times

    def reserve(self, *keys: str) -> tuple[float, float]:
        """Count one attempt under every key if each has fewer than ``attempts`` in the window.

        Returns ``(0, stamp)`` when counted (``stamp`` names the attempt for :meth:`release`), else
        ``(wait, 0)`` with the seconds until the fullest key has room again; nothing is counted then.
        """
        digests = [self.digest(k) for k in keys]
        with self._lock:
            now = self.clock()
            self._prune(now)
            wait = 0.0
            for k in digests:
                times = self._recent(k, now)
                if len(times) >= self.attempts:
                    wait = max(wait, self.window - (now - times[-self.attempts]))
            if wait > 0:
                return wait, 0.0
            for k in digests:
                self._d.setdefault(k, []).append(now)
                self._d.move_to_end(k)
            self._prune(now)
            return 0.0, now

    def release(self, stamp: float, *keys: str) -> None:
        """Give back the attempt reserved at ``stamp`` under ``keys`` (the login succeeded)."""
        with self._lock:
            for k in map(self.digest, keys):
                times = self._d.get(k)
                if times and stamp in times:
                    times.remove(stamp)


class HashBusy(Exception):
    """Every password-check slot stayed taken for the whole wait (answered 503 with Retry-After)."""


class HashGate:
    """At most ``slots`` password checks at a time; a caller waits up to ``wait`` seconds for a slot.

    argon2id as configured takes 64 MiB per check (``argon2-cffi`` defaults, RFC 9106's second
    recommended option), so ``slots`` bounds that memory to ``slots × 64 MiB``.
    """

    def __init__(self, slots: int = 2, wait: float = 2.0):
        self.slots, self.wait = slots, wait
        self._sem = threading.BoundedSemaphore(slots)

    @contextmanager
    def slot(self):
        """Hold one slot for the block; :class:`HashBusy` if none frees up within ``wait`` seconds."""
        if not self._sem.acquire(timeout=self.wait):
            raise HashBusy(f"{self.slots} password checks already running")
        try:
            yield
        finally:
            self._sem.release()
