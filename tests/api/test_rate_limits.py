"""Bounded costs (issue 13, finding 4): the answer cache bounded in entries and bytes with keys that
ignore unknown parameters, rate limits on costly requests (per client, global, in flight), the
client address taken from ``X-Forwarded-For`` only behind a configured proxy. Speed is measured in
benchmarks/bench_api.py, not here."""

from __future__ import annotations

import asyncio
import json
import shutil

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from industrial_brain.api.deps import AnswerCache, canonical_query
from industrial_brain.api.limits import RateLimitMiddleware, RateLimits, TokenBuckets
from industrial_brain.api.main import close_app, create_app
from industrial_brain.api.routes import regions as regions_routes

LOOSE = dict(per_client_inflight=8, global_inflight=8, queue_wait=0.05)


@pytest.fixture
def make_client(api_db, tmp_path):
    """Apps of their own (own cache, own limits) on copies of the API store."""
    apps = []

    def make(**kw) -> TestClient:
        path = tmp_path / f"rl{len(apps)}.duckdb"
        shutil.copy(api_db, path)
        app = create_app(path, **kw)
        c = TestClient(app)
        c.__enter__()
        apps.append((app, c))
        return c

    yield make
    for app, c in apps:
        c.__exit__(None, None, None)
        close_app(app)


# ---- the answer cache --------------------------------------------------------------------------------


def test_the_answer_cache_is_bounded_by_entries_and_bytes():
    c = AnswerCache(size=3, max_bytes=10_000, item_fraction=0.5)
    for i in range(5):
        assert c.put(f"k{i}", (b"x" * 10, "application/json", '"e"'))
    assert len(c) == 3 and c.get("k0") is None and c.get("k4") is not None
    assert not c.put("big", (b"x" * 6000, "application/json", '"e"'))  # over half the budget: not kept
    assert c.get("big") is None
    for i in range(5):
        c.put(f"m{i}", (b"y" * 3000, "application/json", '"e"'))
    assert c.bytes <= 10_000 and len(c) == 3 and c.get("m4") is not None
    c.clear()
    assert len(c) == 0 and c.bytes == 0


def test_keys_keep_declared_parameters_in_a_canonical_order():
    names = frozenset({"indicator", "years", "limit"})
    assert canonical_query(b"years=2020&x=1&indicator=a&junk=abc", names) == "indicator=a&years=2020"
    assert canonical_query(b"indicator=a&years=2020", names) == canonical_query(
        b"years=2020&indicator=a", names
    )
    assert canonical_query(b"indicator=b&indicator=a", names) != canonical_query(
        b"indicator=a&indicator=b", names
    )


def test_unknown_parameters_make_no_entries_and_are_served_before_routing(make_client, monkeypatch):
    c = make_client()
    cache: AnswerCache = c.app.state.cache
    calls = []
    real = regions_routes.cached

    def counted(*a, **kw):
        calls.append(1)
        return real(*a, **kw)

    monkeypatch.setattr(regions_routes, "cached", counted)
    first = c.get("/api/v1/regions")
    assert first.status_code == 200 and len(calls) == 1
    n = len(cache)
    for i in range(50):  # throw-away parameters: the same entry, answered by the cache middleware
        r = c.get(f"/api/v1/regions?junk={i}&x={'a' * 100}")
        assert r.status_code == 200 and r.headers["etag"] == first.headers["etag"]
    assert len(cache) == n and len(calls) == 1
    p1 = c.get("/api/v1/panel?indicator=gdp_100m_cny&years=2020")
    p2 = c.get("/api/v1/panel?years=2020&junk=1&indicator=gdp_100m_cny")
    assert p1.status_code == p2.status_code == 200 and p1.headers["etag"] == p2.headers["etag"]
    assert len(cache) == n + 1
    # a logged-in caller's key is canonical too (the handler builds it)
    h = {
        "Authorization": "Bearer "
        + c.post("/api/v1/auth/token", data={"username": "ana", "password": "synthetic-pass-123"}).json()[
            "access_token"
        ]
    }
    for i in range(5):
        assert c.get(f"/api/v1/regions?junk={i}", headers=h).status_code == 200
    assert len(cache) == n + 2


# ---- rate limits ---------------------------------------------------------------------------------------


def test_costly_requests_are_limited_per_client_with_retry_after(make_client):
    c = make_client(rate_limits=RateLimits(per_client_rate=0.01, per_client_burst=3, **LOOSE))
    # distinct panels: each a miss of the answer cache, computed by the handler (released aggregates
    # would be served by the cache in front of the limits)
    codes = [c.get(f"/api/v1/panel?years={2010 + i}").status_code for i in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    r = c.get("/api/v1/panel?years=2020")
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
    detail = r.json()["detail"]
    assert "\n" not in detail and detail.startswith("too many requests: more than 0.01 costly requests")
    # cheap reads are not limited, nor are logins of another kind of request
    assert all(c.get(f"/api/v1/regions?i={i}").status_code == 200 for i in range(20))
    assert all(c.get("/api/v1/catalog").status_code == 200 for _ in range(20))
    assert c.post("/api/v1/auth/token", data={"username": "ana", "password": "x" * 12}).status_code == 429


def test_the_global_limit_and_forwarded_clients_behind_a_configured_proxy(make_client):
    limits = RateLimits(per_client_rate=0.01, per_client_burst=2, global_rate=0.01, global_burst=3, **LOOSE)
    c = make_client(rate_limits=limits, proxies=["testclient"])  # the test client's peer is the proxy

    years = iter(range(2000, 2100))  # each request a distinct panel: a miss of the answer cache

    def get(client: str) -> int:
        headers = {"X-Forwarded-For": f"203.0.113.99, {client}"}  # right-most hop: the proxy's peer
        return c.get(f"/api/v1/panel?years={next(years)}", headers=headers).status_code

    assert [get("198.51.100.1") for _ in range(3)] == [200, 200, 429]  # the client's own limit
    assert get("198.51.100.2") == 200  # another client: its own budget, the global one now spent
    r = c.get(f"/api/v1/panel?years={next(years)}", headers={"X-Forwarded-For": "198.51.100.3"})
    assert r.status_code == 429 and "over its rate" in r.json()["detail"]


def test_forwarded_headers_are_ignored_without_a_configured_proxy(make_client):
    c = make_client(rate_limits=RateLimits(per_client_rate=0.01, per_client_burst=2, **LOOSE))
    codes = [
        c.get(f"/api/v1/panel?years={2010 + i}", headers={"X-Forwarded-For": f"198.51.100.{i}"}).status_code
        for i in range(4)
    ]
    assert codes == [200, 200, 429, 429]  # rotating the header does not make new clients
    assert c.app.state.proxies == ()


def test_in_flight_bound_per_client_and_overall():
    release = asyncio.Event()
    entered = []

    async def slow_app(scope, receive, send):
        entered.append(scope["client"][0])
        await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    mw = RateLimitMiddleware(
        slow_app, RateLimits(per_client_inflight=2, global_inflight=3, queue_wait=0.05, per_client_burst=100)
    )

    async def call(client: str) -> int:
        out = []

        async def send(m):
            if m["type"] == "http.response.start":
                out.append(m["status"])

        scope = {
            "type": "http",
            "method": "GET",
            "path": "/api/v1/panel",
            "client": (client, 1),
            "headers": [],
        }
        await mw(scope, None, send)
        return out[0]

    async def run():
        a = [asyncio.create_task(call("a")) for _ in range(3)]  # the third waits, then is refused
        await asyncio.sleep(0.01)
        b = [asyncio.create_task(call("b")) for _ in range(2)]  # one fits under the overall bound of 3
        await asyncio.sleep(0.2)
        release.set()
        return [await t for t in a], [await t for t in b]

    a, b = asyncio.run(run())
    assert sorted(a) == [200, 200, 429] and sorted(b) == [200, 429]
    assert entered.count("a") == 2 and entered.count("b") == 1
    assert mw._total == 0 and mw._inflight == {}


def test_token_buckets_keep_a_bounded_pruned_table():
    t = [0.0]
    b = TokenBuckets(rate=1.0, burst=5, max_keys=100, clock=lambda: t[0])
    for i in range(20_000):
        assert b.take(f"client-{i}") == 0
    assert len(b) == 100
    t[0] = 10.0  # every bucket is full again: the next call drops them
    b.take("x")
    assert len(b) == 1


def test_serve_trusts_forwarded_headers_only_from_proxies(monkeypatch, tmp_path):
    from industrial_brain.cli import serve as serve_cli
    from industrial_brain.cli.main import app

    seen = {}
    monkeypatch.setattr(serve_cli, "create_app", lambda db, **kw: seen.update(app=kw) or object())
    monkeypatch.setattr(serve_cli, "close_app", lambda a: None)
    monkeypatch.setattr(serve_cli.uvicorn, "run", lambda a, **kw: seen.update(run=kw))
    runner = CliRunner()
    db = str(tmp_path / "s.duckdb")
    r = runner.invoke(app, ["serve", "--db", db])
    assert r.exit_code == 0, r.output
    assert seen["app"]["proxies"] == [] and seen["run"]["proxy_headers"] is False
    assert seen["run"]["forwarded_allow_ips"] == ""
    r = runner.invoke(app, ["serve", "--db", db, "--proxy", "10.0.0.5", "--proxy", "10.1.0.0/16"])
    assert r.exit_code == 0 and seen["app"]["proxies"] == ["10.0.0.5", "10.1.0.0/16"]
    r = runner.invoke(app, ["serve", "--db", db, "--proxy", "localhost-ish"])
    assert r.exit_code != 0 and "not an IP address or network" in r.output + str(r.exception)


def test_refusals_are_json_lines():
    async def run():
        out = []

        async def send(m):
            out.append(m)

        from industrial_brain.api.limits import _refuse

        await _refuse(send, 2.2, "a reason")
        return out

    start, body = asyncio.run(run())
    assert start["status"] == 429 and dict(start["headers"])[b"retry-after"] == b"3"
    assert json.loads(body["body"]) == {"detail": "too many requests: a reason; retry in 3 s"}
