"""Load on the REST API over loopback: p50/p99 latency and throughput of cached read endpoints.

The server (``uvicorn``, one worker, the embedded default data) runs in its own process; this
process sends an open-loop load — requests start on a fixed schedule whatever the answers take,
so queueing shows up in the latency — at ``--rate`` requests/s for ``--seconds``, cycling over
read endpoints that the answer cache serves after the first call. Target: p99 < 50 ms at
200 requests/s, for public callers (answers served from the cache before routing) and for a
logged-in analyst (bearer token checked in the store, then the cache). The same run measures
``/api/v1/capabilities`` (a bare FastAPI route: no store, no cache) and prints the ratios, then a
closed-loop run for the maximum throughput.

Then the costly-request limits (issue 13; ``industrial_brain.api.limits``), on a store with 200
SYNTHETIC assessed enterprises, three clients on distinct loopback addresses (127.0.0.1 the
victim, 127.0.0.2 and 127.0.0.3 the attackers: distinct socket peers, no forwarded header):

* the victim's cached public reads (``--victim-rate`` req/s, keep-alive) alone; then while the
  first attacker sends 40 public aggregate requests/s (``/enterprises/aggregates``, each with a
  throw-away parameter, one connection per request, open loop). Target: victim p99 < 20 ms;
* a flood of 200 aggregate requests/s for 20 s: the number of requests unanswered 2 s after the last
  send (target 0), with the victim's reads measured meanwhile;
* the same victim load against a bare Starlette app returning a constant (uvicorn, same machine,
  same run), alone and under the same 200 req/s flood: the floor, and the ratios against it.

Then the access check of governed sharing (issue 20; ``industrial_brain.services.access``), in
process: a store with 2 departments' data products over every default dataset and 1,000 SYNTHETIC
grants of 50 departments; the p50/p99 of a cached read (``/panel`` of a held dataset by an account of
the holder, through the ASGI app) beside the p50/p99 of the policy's checks it makes (the dataset
check and a product check on the kept policy; the first check after a grant changed, which reads the
store), and the ratio check/read. Target: the check adds under 2 ms p99.

    python benchmarks/bench_api.py [--rate 200] [--seconds 10] [--port 8765] [--limits-only] [--sharing-only]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

ENDPOINTS = [
    "/api/v1/panel?indicator=gdp_100m_cny&years=2020",
    "/api/v1/panel?indicator=gdp_100m_cny&limit=100000",
    "/api/v1/regions",
    "/api/v1/regions/330000/neighbours",
    "/api/v1/indicators",
    "/api/v1/catalog",
    "/api/v1/io-tables",
    "/api/v1/io-tables/cn_nbs_io_2020_42/key-sectors",
    "/api/v1/io-tables/cn_nbs_io_2020_42/multipliers",
    "/api/v1/io-tables/cn_nbs_io_2020_42/links?sector=17",
    "/api/v1/quality-notes?limit=100",
]
BARE = ["/api/v1/capabilities"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


BARE_APP = (
    "import uvicorn\n"
    "from starlette.applications import Starlette\n"
    "from starlette.responses import Response\n"
    "from starlette.routing import Route\n"
    "async def const(request):\n"
    "    return Response(b'{\"data\":[],\"count\":0}', media_type='application/json')\n"
    "app = Starlette(routes=[Route('/{p:path}', const)])\n"
)


def start_server(db: Path | None, port: int) -> subprocess.Popen:
    if db is None:  # the bare Starlette app (the floor)
        code = (
            BARE_APP
            + f"uvicorn.run(app, host='127.0.0.1', port={port}, log_level='warning', access_log=False)"
        )
        probe = "/api/v1/capabilities"
    else:
        code = (
            "import sys, uvicorn; from industrial_brain.api.main import create_app; "
            f"uvicorn.run(create_app({str(db)!r}), host='127.0.0.1', port={port}, log_level='warning', "
            "access_log=False, proxy_headers=False)"
        )
        probe = "/api/v1/capabilities"
    proc = subprocess.Popen([sys.executable, "-c", code])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}{probe}", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start")


class Conn:
    """A minimal keep-alive HTTP/1.1 GET client on asyncio streams (far less CPU per request than a
    full client library, so the 2-core machine measures the server rather than the load generator)."""

    def __init__(self, port: int, headers: str = "", local: str = "127.0.0.1"):
        self.port, self.headers, self.local = port, headers, local
        self.reader = self.writer = None

    async def get(self, path: str) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(
                "127.0.0.1", self.port, local_addr=(self.local, 0)
            )
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{self.headers}\r\n".encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n"):
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        if length:
            await self.reader.readexactly(length)
        return status

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def open_loop(
    base: str,
    paths: list[str],
    rate: float,
    seconds: float,
    workers: int = 32,
    headers: str = "",
    local: str = "127.0.0.1",
) -> tuple[np.ndarray, float, int]:
    """Request i is due at t0 + i/rate; ``workers`` connections take due requests in order."""
    n = int(rate * seconds)
    lat = np.full(n, np.nan)
    errors = 0
    nxt = 0
    port = int(base.rsplit(":", 1)[1])
    t0 = time.perf_counter()

    async def worker() -> None:
        nonlocal errors, nxt
        conn = Conn(port, headers, local)
        try:
            while nxt < n:
                i = nxt
                nxt += 1
                due = t0 + i / rate
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
                status = await conn.get(paths[i % len(paths)])
                lat[i] = time.perf_counter() - due  # from the scheduled start: queueing included
                if status != 200:
                    errors += 1
        finally:
            conn.close()

    await asyncio.gather(*(worker() for _ in range(workers)))
    wall = time.perf_counter() - t0
    return lat * 1000.0, n / wall, errors


async def closed_loop(base: str, paths: list[str], concurrency: int, seconds: float) -> float:
    done = 0
    port = int(base.rsplit(":", 1)[1])
    stop = time.perf_counter() + seconds

    async def worker(k: int) -> None:
        nonlocal done
        conn = Conn(port)
        i = k
        try:
            while time.perf_counter() < stop:
                await conn.get(paths[i % len(paths)])
                done += 1
                i += concurrency
        finally:
            conn.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(worker(k) for k in range(concurrency)))
    return done / (time.perf_counter() - t0)


async def fire(port: int, path: str, rate: float, seconds: float, local: str, grace: float = 2.0) -> dict:
    """Open loop with one connection per request (``Connection: close``): request i is sent at
    t0 + i/rate whatever the answers take. Returns the status counts and how many requests were
    still unanswered ``grace`` seconds after the last send (those are then abandoned)."""
    n = int(rate * seconds)
    statuses: list[int] = []

    async def one(i: int) -> None:
        await asyncio.sleep(max(0.0, t0 + i / rate - time.perf_counter()))
        sep = "&" if "?" in path else "?"
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(local, 0))
        except OSError:
            statuses.append(-1)
            return
        try:
            req = f"GET {path}{sep}junk={i} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
            writer.write(req.encode())
            head = await reader.readuntil(b"\r\n\r\n")
            await reader.read()
            statuses.append(int(head[9:12]))
        except (OSError, asyncio.IncompleteReadError):
            statuses.append(-1)
        finally:
            writer.close()

    t0 = time.perf_counter()
    tasks = [asyncio.create_task(one(i)) for i in range(n)]
    await asyncio.sleep(max(0.0, t0 + (n - 1) / rate + grace - time.perf_counter()))
    unanswered = sum(not t.done() for t in tasks)
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    counts: dict[int, int] = {}
    for st in statuses:
        counts[st] = counts.get(st, 0) + 1
    return {"sent": n, "unanswered": unanswered, "statuses": dict(sorted(counts.items()))}


def limits_run(db: Path, victim_rate: float, seconds: float) -> None:
    """The costly-request limits under attack (see the module text)."""
    from industrial_brain.micro.population import simulate_population
    from industrial_brain.services import assess, releases
    from industrial_brain.store import Store

    with Store(db) as s:  # 200 SYNTHETIC assessed enterprises, published as a release
        if not len(assess.stored_results(s)):
            assess.ingest_answers(s, simulate_population(200, seed=0).answers, taken_on="2022-12-31")
        if releases.release_list(s).empty:
            releases.make_release(s, made_by="bench")
    port, bare_port = _free_port(), _free_port()
    proc, bare = start_server(db, port), start_server(None, bare_port)
    base = f"http://127.0.0.1:{port}"
    agg = "/api/v1/enterprises/aggregates?by=sector"
    try:
        r = httpx.get(base + agg, timeout=60)
        assert r.status_code == 200 and r.json()["count"] > 0, r.text[:200]
        for p in ENDPOINTS:
            assert httpx.get(base + p, timeout=60).status_code == 200
        print(
            f"Costly-request limits: victim {victim_rate:.0f} cached public reads/s (127.0.0.1, keep-alive); "
            f"attackers on 127.0.0.2/.3, aggregates with throw-away parameters"
        )

        def victim(port_: int, attack=None) -> tuple[float, float, int, dict | None]:
            async def both():
                b = f"http://127.0.0.1:{port_}"
                jobs = [open_loop(b, ENDPOINTS, victim_rate, seconds, workers=8, local="127.0.0.1")]
                if attack is not None:
                    jobs.append(attack)
                return await asyncio.gather(*jobs)

            out = asyncio.run(both())
            lat, _, err = out[0]
            p50, p99 = np.percentile(lat[np.isfinite(lat)], [50, 99])
            return p50, p99, err, (out[1] if attack is not None else None)

        floor = victim(bare_port)
        alone = victim(port)
        under = victim(port, fire(port, agg, 40.0, seconds, "127.0.0.2"))
        flood = victim(port, fire(port, agg, 200.0, 20.0, "127.0.0.3"))
        floor_flood = victim(bare_port, fire(bare_port, agg, 200.0, 20.0, "127.0.0.3"))
        for name, (p50, p99, err, att) in (
            ("bare Starlette constant", floor),
            ("bare, 200 req/s flood", floor_flood),
            ("victim alone", alone),
            ("victim, 40 agg/s attack", under),
            ("victim, 200 agg/s flood", flood),
        ):
            print(
                f"  {name:24s} p50 {p50:7.2f} ms   p99 {p99:7.2f} ms   ratio to bare p50 "
                f"{p50 / floor[0]:5.2f}× "
                f"p99 {p99 / floor[1]:5.2f}×   victim errors {err}"
            )
            if att is not None:
                print(
                    f"      attacker: sent {att['sent']}, statuses {att['statuses']}, "
                    f"unanswered 2 s after the last send {att['unanswered']}"
                )
        ok40 = under[1] < 20.0 and under[2] == 0
        ok200 = flood[3]["unanswered"] == 0
        print(f"  target victim p99 < 20 ms at 40 agg/s: {'met' if ok40 else 'NOT met'} ({under[1]:.2f} ms)")
        print(
            f"  target 0 unanswered 2 s after 200 agg/s × 20 s: {'met' if ok200 else 'NOT met'} "
            f"({flood[3]['unanswered']})"
        )
    finally:
        for p in (proc, bare):
            p.terminate()
            p.wait(10)


def sharing_run(db: Path, reads: int = 2000) -> None:
    """The cost of the sharing access check on a cached read (module docstring)."""
    import datetime as _dt

    from fastapi.testclient import TestClient

    from industrial_brain.api.main import close_app, create_app
    from industrial_brain.services import access, sharing
    from industrial_brain.services.access import Principal
    from industrial_brain.services.accounts import add_user
    from industrial_brain.store import Store
    from industrial_brain.store import sharing as stored

    panel = "digital_innovation_2013_2022"
    with Store(db) as s:
        for d in ("econ", "stats"):
            sharing.add_department(s, d, d, f"SYNTHETIC {d}")
        add_user(s, "bench_econ", "bench-password-not-secret", "analyst", department="econ")
        stew = Principal("bench_stew", "admin")
        ids = s.query("SELECT dataset_id FROM dataset WHERE kind = 'panel'")["dataset_id"].tolist()
        for i, d in enumerate(ids):
            sharing.publish(s, stew, kind="dataset", object_id=d, holder="econ" if i % 2 == 0 or d == panel
                            else "stats", title_zh=d, title_en=d)  # fmt: skip
        products = s.query("SELECT product_id FROM data_product")["product_id"].tolist()
        now = _dt.datetime.now(_dt.UTC)
        with s.transaction():
            for k in range(1000):  # SYNTHETIC grants of 50 departments
                gid = f"bench-{k}"
                row = {"grant_id": gid, "product_id": products[k % len(products)], "grantee": f"dept{k % 50}",
                       "requested_by": "bench", "purpose": "bench", "scope": {}, "form": "aggregates",
                       "days": 30, "epsilon": 1.0, "requested_at": now}  # fmt: skip
                stored.insert_request(s, row)
                stored.decide_request(s, gid, approve=True, by="bench", reason="bench", at=now,
                                      expires_at=now + _dt.timedelta(days=30))  # fmt: skip
    app = create_app(db)
    try:
        with TestClient(app) as c:
            tok = c.post(
                "/api/v1/auth/token", data={"username": "bench_econ", "password": "bench-password-not-secret"}
            )
            h = {"Authorization": f"Bearer {tok.json()['access_token']}"}
            url = f"/api/v1/panel?dataset={panel}&years=2020"
            assert c.get(url, headers=h).status_code == 200
            lat = []
            for _ in range(reads):
                t = time.perf_counter()
                c.get(url, headers=h)
                lat.append((time.perf_counter() - t) * 1e3)
            who = Principal("bench_econ", "analyst", department="econ")
            other = Principal("bench_x", "analyst", department="dept7")
            with app.state.store.cursor() as s:
                warm, dept, prod, cold = [], [], [], []
                for _ in range(20000):  # what the departments add to every check: the held map, the key
                    t = time.perf_counter()
                    access._department_allows(s, who, [panel])
                    access.audience_of(who)
                    dept.append((time.perf_counter() - t) * 1e3)
                pid = f"dataset-{panel}".replace("_", "-")
                for _ in range(20000):
                    t = time.perf_counter()
                    access.check_datasets(s, who, [panel])
                    warm.append((time.perf_counter() - t) * 1e3)
                for _ in range(20000):
                    t = time.perf_counter()
                    try:
                        access.check_product(s, other, pid, "aggregates")
                    except access.AccessError:
                        pass
                    prod.append((time.perf_counter() - t) * 1e3)
                for _ in range(200):
                    access.forget_sharing(s)
                    t = time.perf_counter()
                    access.check_datasets(s, who, [panel])
                    cold.append((time.perf_counter() - t) * 1e3)
    finally:
        close_app(app)
    r50, r99 = np.percentile(lat, [50, 99])
    print(f"Sharing access check (issue 20): {len(products)} products, 1000 grants of 50 departments")
    print(f"  cached read /panel (holder's analyst)   p50 {r50:7.3f} ms   p99 {r99:7.3f} ms")
    for name, xs in (("dataset check, grades + departments", warm), ("department part alone", dept),
                     ("product check (grant lookup)", prod),
                     ("check after a change (store read)", cold)):  # fmt: skip
        p50, p99 = np.percentile(xs, [50, 99])
        print(f"  {name:38s} p50 {p50:7.3f} ms   p99 {p99:7.3f} ms   p99 ratio check/read {p99 / r99:.4f}")
    ok = np.percentile(dept, 99) < 2.0 and np.percentile(prod, 99) < 2.0
    print(f"  target: the check adds < 2 ms p99 to a cached read: {'met' if ok else 'NOT met'}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rate", type=float, default=200.0)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument(
        "--db", type=Path, default=None, help="existing store (default: a fresh one with the default data)"
    )
    ap.add_argument("--victim-rate", type=float, default=50.0, help="victim's cached reads/s (limits run)")
    ap.add_argument("--limits-only", action="store_true", help="only the costly-request limits run")
    ap.add_argument("--sharing-only", action="store_true", help="only the sharing access-check run")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="ibrain-bench-api-"))
    try:
        if args.db is None:
            from industrial_brain.services.defaults import init_store
            from industrial_brain.store import Store

            db = tmp / "bench.duckdb"
            with Store(db) as s:
                init_store(s)
        else:
            db = tmp / "bench.duckdb"
            shutil.copy(args.db, db)
        from industrial_brain.services.accounts import add_user
        from industrial_brain.store import Store

        with Store(db) as s:  # a throw-away account for the authenticated run
            add_user(s, "bench_analyst", "bench-password-not-secret", "analyst")
        if args.limits_only:
            limits_run(db, args.victim_rate, args.seconds)
            return
        if args.sharing_only:
            sharing_run(db)
            return
        port = args.port or _free_port()
        proc = start_server(db, port)
        base = f"http://127.0.0.1:{port}"
        try:
            for p in ENDPOINTS + BARE:  # warm the answer cache and the IO engine cache
                r = httpx.get(base + p, timeout=60)
                assert r.status_code == 200, (p, r.status_code, r.text[:200])
            print(
                f"REST API load on loopback: {args.rate:.0f} req/s for {args.seconds:.0f} s, open loop, "
                f"{len(ENDPOINTS)} cached read endpoints (cpu count {os.cpu_count()})"
            )
            tok = httpx.post(
                base + "/api/v1/auth/token",
                data={"username": "bench_analyst", "password": "bench-password-not-secret"},
            ).json()
            auth = f"Authorization: Bearer {tok['access_token']}\r\n"
            for p in ENDPOINTS:
                httpx.get(base + p, headers={"Authorization": f"Bearer {tok['access_token']}"}, timeout=60)
            rows = []
            for name, paths, hdr in (
                ("cached reads (public)", ENDPOINTS, ""),
                ("bare /capabilities", BARE, ""),
                ("cached reads (token)", ENDPOINTS, auth),
            ):
                lat, thr, err = asyncio.run(open_loop(base, paths, args.rate, args.seconds, headers=hdr))
                p50, p99 = np.percentile(lat, [50, 99])
                rows.append((name, p50, p99, thr, err))
                print(
                    f"  {name:22s} p50 {p50:7.2f} ms   p99 {p99:7.2f} ms   throughput {thr:7.1f} req/s   "
                    f"errors {err}"
                )
            print(
                f"  ratio public cached/bare route: p50 {rows[0][1] / rows[1][1]:.2f}×, p99 "
                f"{rows[0][2] / rows[1][2]:.2f}×;"
                f" token cached/bare route: p50 {rows[2][1] / rows[1][1]:.2f}×, p99 "
                f"{rows[2][2] / rows[1][2]:.2f}×"
            )
            ok = all(r[2] < 50.0 and r[4] == 0 for r in (rows[0], rows[2]))
            print(f"  target p99 < 50 ms at {args.rate:.0f} req/s: {'met' if ok else 'NOT met'}")
            mx = asyncio.run(closed_loop(base, ENDPOINTS, 16, 5.0))
            print(f"  closed loop, 16 connections, 5 s: {mx:.0f} req/s max throughput (cached reads)")
        finally:
            proc.terminate()
            proc.wait(10)
        limits_run(db, args.victim_rate, args.seconds)
        sharing_run(db)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
