"""Load on the REST API over loopback: p50/p99 latency and throughput of cached read endpoints.

The server (``uvicorn``, one worker, the embedded default data) runs in its own process; this
process sends an open-loop load — requests start on a fixed schedule whatever the answers take,
so queueing shows up in the latency — at ``--rate`` requests/s for ``--seconds``, cycling over
read endpoints that the answer cache serves after the first call. Target: p99 < 50 ms at
200 requests/s, for public callers (answers served from the cache before routing) and for a
logged-in analyst (bearer token checked in the store, then the cache). The same run measures
``/api/v1/capabilities`` (a bare FastAPI route: no store, no cache) and prints the ratios, then a
closed-loop run for the maximum throughput.

    python benchmarks/bench_api.py [--rate 200] [--seconds 10] [--port 8765]
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


def start_server(db: Path, port: int) -> subprocess.Popen:
    code = (
        "import sys, uvicorn; from industrial_brain.api.main import create_app; "
        f"uvicorn.run(create_app({str(db)!r}), host='127.0.0.1', port={port}, log_level='warning', "
        "access_log=False)"
    )
    proc = subprocess.Popen([sys.executable, "-c", code])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/capabilities", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start")


class Conn:
    """A minimal keep-alive HTTP/1.1 GET client on asyncio streams (far less CPU per request than a
    full client library, so the 2-core machine measures the server rather than the load generator)."""

    def __init__(self, port: int, headers: str = ""):
        self.port, self.headers = port, headers
        self.reader = self.writer = None

    async def get(self, path: str) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
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
    base: str, paths: list[str], rate: float, seconds: float, workers: int = 32, headers: str = ""
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
        conn = Conn(port, headers)
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rate", type=float, default=200.0)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument(
        "--db", type=Path, default=None, help="existing store (default: a fresh one with the default data)"
    )
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
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
