"""Rate limits of the REST API: per client and overall, on the endpoints that compute on request.

A request is *costly* when it may compute or hash on the server (:data:`COSTLY`): login, job
submissions, enterprise aggregates, assessment scoring, profiles and templates, the industrial-chain
routes, the input–output analyses, macro maps and panels. Each costly request must pass, in the
event loop and before any worker thread is taken (:class:`RateLimitMiddleware`):

* a token bucket of its client (``per_client_rate`` a second, bursts of ``per_client_burst``) and
  the global bucket (``global_rate``, ``global_burst``);
* an in-flight bound: at most ``per_client_inflight`` costly requests of one client and
  ``global_inflight`` in all are being worked on at once (the thread pool has 40 threads; the
  rest stays free for cheap reads); a request over it waits up to ``queue_wait`` seconds in the
  event loop (no thread held), then is refused.

A request the handler answers from the answer cache (a logged-in caller's cached read) gives its
tokens back afterwards: only work is counted. A refused request is answered ``429 Too Many
Requests`` with ``Retry-After`` (seconds) and a one-line JSON ``detail``, without touching the
store. Cheap reads are not limited, and a public answer served from the answer cache never
reaches this middleware (the cache sits in front of it).

The client is the socket peer. Behind a reverse proxy, start the server with ``--proxy ADDRESS``
(repeatable): only when the peer is one of those addresses is the right-most ``X-Forwarded-For``
hop that is not itself a configured proxy taken instead (uvicorn's ``ProxyHeadersMiddleware``,
wrapped by :func:`industrial_brain.api.main.create_app`); by default no forwarded header is trusted,
not even from loopback.

Written by hand (a token bucket is a few lines): the maintained ``limits`` package keeps its
in-memory keys in unbounded dicts expired by a timer thread that scans every key, and has no
in-flight bound; this one keeps at most ``max_keys`` client buckets (least recently used dropped,
full buckets pruned on every call), O(1) per request, thread-safe with one lock.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


class TokenBuckets:
    """Token buckets by key: ``rate`` tokens a second up to ``burst``; one token per request.

    A bucket refilled to ``burst`` is the same as no bucket, so such buckets are dropped (checked at
    the least recently used end on every call); beyond ``max_keys`` buckets the least recently used
    goes. Doctest (a clock by hand):

    >>> t = [0.0]
    >>> b = TokenBuckets(rate=1.0, burst=2, clock=lambda: t[0])
    >>> [b.take("a") for _ in range(3)]
    [0.0, 0.0, 1.0]
    >>> t[0] = 0.5; b.take("a")
    0.5
    >>> t[0] = 1.0; b.take("a")
    0.0
    """

    def __init__(
        self, rate: float, burst: int, max_keys: int = 10000, clock: Callable[[], float] = time.monotonic
    ):
        self.rate, self.burst, self.max_keys, self.clock = rate, float(burst), max_keys, clock
        self._d: OrderedDict[str, list[float]] = OrderedDict()  # key → [tokens, time of that count]
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._d)

    def take(self, key: str) -> float:
        """Take one token of ``key``'s bucket: 0 when taken, else the seconds until one is there."""
        with self._lock:
            now = self.clock()
            d = self._d
            while d:  # least recently used first: drop the buckets that are full again
                k, (tokens, at) = next(iter(d.items()))
                if k == key or tokens + (now - at) * self.rate < self.burst:
                    break
                del d[k]
            tokens, at = d.pop(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - at) * self.rate)
            if tokens >= 1.0:
                d[key] = [tokens - 1.0, now]
                wait = 0.0
            else:
                d[key] = [tokens, now]
                wait = (1.0 - tokens) / self.rate
            while len(d) > self.max_keys:
                d.popitem(last=False)
            return wait

    def give_back(self, key: str) -> None:
        """Return one token taken by :meth:`take` (the request was refused by a later check)."""
        with self._lock:
            hit = self._d.get(key)
            if hit is not None:
                hit[0] = min(self.burst, hit[0] + 1.0)


#: Scope key set by :func:`industrial_brain.api.deps.cached` when it answered from the answer cache.
CACHE_HIT = "ibrain.cache_hit"

#: ``(method or '*', path pattern under /api/v1)`` of the costly requests.
COSTLY = (
    ("POST", r"/auth/token"),
    ("POST", r"/.+/jobs"),
    ("*", r"/enterprises/aggregates"),
    ("*", r"/assess(/.*)?"),
    ("*", r"/chain/.+"),
    ("GET", r"/io-tables/[^/]+(/.*)?"),
    ("GET", r"/macro/map"),
    ("GET", r"/panel"),
    ("GET", r"/brief/.+"),
)


@dataclass(frozen=True)
class RateLimits:
    """The numbers of the limits on costly requests (see the module text); ``None`` in ``create_app``
    switches them off."""

    per_client_rate: float = 2.0
    per_client_burst: int = 10
    global_rate: float = 10.0
    global_burst: int = 20
    per_client_inflight: int = 2
    global_inflight: int = 4
    queue_wait: float = 1.0
    max_keys: int = 10000


def _costly_matcher(prefix: str) -> Callable[[str, str], bool]:
    any_method = re.compile("|".join(f"(?:{prefix}{p})" for m, p in COSTLY if m == "*") + r"\Z")
    by_method: dict[str, re.Pattern] = {}
    for m in {m for m, _ in COSTLY if m != "*"}:
        by_method[m] = re.compile("|".join(f"(?:{prefix}{p})" for mm, p in COSTLY if mm == m) + r"\Z")

    def costly(method: str, path: str) -> bool:
        if not path.startswith(prefix):
            return False
        rx = by_method.get(method)
        return bool(any_method.match(path) or (rx is not None and rx.match(path)))

    return costly


class RateLimitMiddleware:
    """Pure ASGI: refuse costly requests over their client's or the global budget (429, Retry-After)."""

    def __init__(
        self, app, limits: RateLimits, prefix: str = "/api/v1", clock: Callable[[], float] = time.monotonic
    ):
        self.app, self.limits, self.clock = app, limits, clock
        self.clients = TokenBuckets(limits.per_client_rate, limits.per_client_burst, limits.max_keys, clock)
        self.overall = TokenBuckets(limits.global_rate, limits.global_burst, 1, clock)
        self.costly = _costly_matcher(prefix)
        self._inflight: dict[str, int] = {}
        self._total = 0
        self._waiters: list[asyncio.Future] = []
        self._lock = threading.Lock()

    def _take(self, client: str) -> tuple[float, str] | None:
        """Take a token of the client's and of the global bucket, or say why not: ``(wait s, reason)``."""
        lim = self.limits
        with self._lock:
            wait = self.clients.take(client)
            if wait > 0:
                return wait, f"more than {lim.per_client_rate:g} costly requests a second from one client"
            wait = self.overall.take("*")
            if wait > 0:
                self.clients.give_back(client)
                return wait, "the server is over its rate of costly requests"
        return None

    def _enter(self, client: str) -> bool:
        """Count a request in when the client and the server are under their in-flight bounds."""
        with self._lock:
            n = self._inflight.get(client, 0)
            if n >= self.limits.per_client_inflight or self._total >= self.limits.global_inflight:
                return False
            self._inflight[client] = n + 1
            self._total += 1
            return True

    def _leave(self, client: str) -> None:
        with self._lock:
            self._total -= 1
            left = self._inflight[client] - 1
            if left:
                self._inflight[client] = left
            else:
                del self._inflight[client]
            waiters, self._waiters = self._waiters, []
        for fut in waiters:  # each re-checks the bounds
            fut.get_loop().call_soon_threadsafe(_wake, fut)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not self.costly(scope["method"], scope["path"]):
            return await self.app(scope, receive, send)
        client = scope["client"][0] if scope.get("client") else "?"
        refused = self._take(client)
        if refused is not None:
            return await _refuse(send, *refused)
        if not await self._slot(client):
            self._give_back(client)
            return await _refuse(send, 1.0, "the server is busy with costly requests")
        try:
            await self.app(scope, receive, send)
        finally:
            self._leave(client)
        if scope.get(CACHE_HIT):  # served from the answer cache: not costly after all
            self._give_back(client)

    async def _slot(self, client: str) -> bool:
        """Wait (in the event loop, holding no thread) up to ``queue_wait`` s for an in-flight slot;
        woken when a request leaves. The buckets bound the number of waiters."""
        deadline = self.clock() + self.limits.queue_wait
        loop = asyncio.get_running_loop()
        while not self._enter(client):
            remaining = deadline - self.clock()
            if remaining <= 0:
                return False
            fut = loop.create_future()
            with self._lock:
                self._waiters.append(fut)
            try:
                await asyncio.wait([fut], timeout=remaining)
            finally:
                with self._lock:
                    if fut in self._waiters:
                        self._waiters.remove(fut)
        return True

    def _give_back(self, client: str) -> None:
        with self._lock:
            self.clients.give_back(client)
            self.overall.give_back("*")


def _wake(fut: asyncio.Future) -> None:
    if not fut.done():
        fut.set_result(None)


async def _refuse(send, wait: float, why: str) -> None:
    secs = max(1, int(wait + 0.999))
    body = json.dumps({"detail": f"too many requests: {why}; retry in {secs} s"}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 429,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"retry-after", str(secs).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
