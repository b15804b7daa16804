"""The command line beside a running server: the store lease (``industrial_brain.store.lease``).

End to end: ``ibrain serve`` runs as a real process on a default-data store while ``ibrain``
commands read and write the same store; the API then serves what they wrote. Unit tests: the gate
(a request in flight delays a lease, a lease delays a request, a killed holder gives the store
back), stale socket files, shutdown removing the socket.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from industrial_brain.errors import StoreBusyError
from industrial_brain.store import Store
from industrial_brain.store.lease import Gate, LeaseServer, socket_path

from .serving import start_server, stop_server

PASSWORD = "bob-password-123"


def _cli(*args: str, stdin: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "industrial_brain.cli.main", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def _get(base: str, path: str, data: dict | None = None, headers: dict | None = None) -> tuple[int, dict]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with urllib.request.urlopen(
            urllib.request.Request(base + path, body, headers or {}), timeout=30
        ) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


@pytest.fixture
def server(default_db, tmp_path):
    """``ibrain serve`` on a private copy of the default-data store: (db path, base URL, process)."""
    db = tmp_path / "served.duckdb"
    shutil.copy(default_db, db)
    proc, base = start_server(db)
    yield db, base, proc
    stop_server(proc)  # a failed test: still shut down cleanly (no stale socket left behind)


def test_cli_reads_and_writes_beside_the_server(server, tmp_path):
    db, base, proc = server
    sock = socket_path(db)
    assert sock.exists()
    dbo = ["--db", str(db)]
    ind = tmp_path / "lease_ind.csv"
    ind.write_text("code,unit,direction\nsyn_lease_x,%,+\n", encoding="utf-8")
    panel = tmp_path / "lease_panel.csv"
    panel.write_text("region,year,syn_lease_x\n北京,2020,1.5\n天津,2020,2.5\n", encoding="utf-8")
    status, before = _get(base, "/api/v1/catalog")  # now in the server's answer cache
    assert status == 200 and "lease_panel" not in {d["dataset_id"] for d in before["data"]}
    results = {"catalog": _cli("catalog", *dbo)}  # one command, default waits: the documented flow
    commands = {
        "quality": (["quality", "--severity", "error"], None),
        "show": (
            ["show", "panel", "--indicator", "grp_100m_cny", "--region", "北京", "--years", "2015:2016"],
            None,
        ),
        "macro": (["macro", "run", "--save", "--permutations", "99"], None),
        "user": (["user", "add", "bob", "--role", "analyst", "--password-stdin"], PASSWORD + "\n"),
        "init": (["init"], None),
    }
    # All at once (the machine's cores are better used, and the lease queue is exercised): each waits
    # its turn behind the others, so the wait is raised above the default meant for one command.
    env = {"IBRAIN_LEASE_TIMEOUT": "120"}

    def run(name: str, args: list[str], stdin: str | None) -> None:
        results[name] = _cli(*args, *dbo, stdin=stdin, env=env)

    threads = [threading.Thread(target=run, args=(n, a, i)) for n, (a, i) in commands.items()]

    def ingest_both():
        results["indicators"] = _cli("ingest", str(ind), "--kind", "indicators", *dbo, env=env)
        results["panel"] = _cli("ingest", str(panel), "--kind", "panel", *dbo, env=env)

    threads.append(threading.Thread(target=ingest_both))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for name, r in results.items():
        assert r.returncode == 0 and "busy" not in r.stdout + r.stderr, (name, r.stderr)
    assert len(results) == 8 and "stored 2 observations" in results["panel"].stdout
    assert "2015" in results["show"].stdout
    # the running server sees every write (its caches were cleared): the dataset, the account, the run
    status, cat = _get(base, "/api/v1/catalog")
    assert status == 200 and "lease_panel" in {d["dataset_id"] for d in cat["data"]}
    status, tok = _get(base, "/api/v1/auth/token", {"username": "bob", "password": PASSWORD})
    assert status == 200 and tok["access_token"]
    bearer = {"Authorization": "Bearer " + tok["access_token"]}
    assert _get(base, "/api/v1/auth/me", headers=bearer)[1]["role"] == "analyst"  # now in the token cache
    removed = _cli("user", "remove", "bob", *dbo)
    assert removed.returncode == 0, removed.stderr
    status, body = _get(base, "/api/v1/auth/me", headers=bearer)  # the lease reopen emptied the cache
    assert status == 401 and "expired token" in body["detail"]
    run_id = re.search(r"run (macro-\S+)", results["macro"].stdout).group(1)
    assert _get(base, f"/api/v1/runs/{run_id}")[0] == 200
    assert proc.poll() is None
    proc.send_signal(signal.SIGTERM)  # clean shutdown: the socket goes with the server
    # uvicorn shuts down gracefully (lifespan end: the lease server stops), then re-raises SIGTERM
    assert proc.wait(timeout=30) in (0, -signal.SIGTERM)
    assert not sock.exists()


# ---- the gate --------------------------------------------------------------------------------------

HOLDER = textwrap.dedent("""
    import sys, time
    from industrial_brain.store import Store
    s = Store(sys.argv[1])
    print("OPEN", time.time(), flush=True)
    if sys.argv[2] == "hang":
        time.sleep(120)
    s.con.execute("CREATE TABLE IF NOT EXISTS lease_probe (x INTEGER)")
    s.con.execute("INSERT INTO lease_probe VALUES (1)")
    time.sleep(float(sys.argv[2]))
    print("CLOSING", time.time(), flush=True)
    s.close()
""")


def _holder(db: Path, arg: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db), arg],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def _stamp(line: str, word: str) -> float:
    assert line.startswith(word), line
    return float(line.split()[1])


@pytest.fixture
def lent(tmp_path):
    """A server-side store in this process, lending itself on its socket; ``reopened`` counts hooks."""
    db = tmp_path / "lent.duckdb"
    store = Store(db, lease=False)
    reopened = []
    lease = store.serve_lease(on_reopen=[lambda: reopened.append(1)])
    lease.start()
    yield db, store, reopened
    lease.stop()
    store.close()


def test_a_request_in_flight_delays_the_lease(lent):
    db, store, reopened = lent
    c = store.cursor("request GET /api/v1/slow")
    p = _holder(db, "0")
    time.sleep(1.0)
    released = time.time()
    c.close()
    out, err = p.communicate(timeout=30)
    assert p.returncode == 0, err
    lines = out.splitlines()
    assert _stamp(lines[0], "OPEN") >= released
    with store.cursor() as s:  # the server sees the holder's write, after its hooks ran
        assert s.con.execute("SELECT count(*) FROM lease_probe").fetchall()[0][0] == 1
    assert reopened == [1]


def test_a_job_running_too_long_is_named_in_the_refusal(lent):
    db, store, reopened = lent
    c = store.cursor("job stress-1a2b3c")
    try:
        p = _holder(db, "0", env={"IBRAIN_LEASE_TIMEOUT": "0.5", "IBRAIN_LOCK_TIMEOUT": "0.2"})
        out, err = p.communicate(timeout=30)
    finally:
        c.close()
    assert p.returncode != 0 and "store is busy: the server is running job stress-1a2b3c" in err
    with store.cursor(wait=0) as s:  # the refused lease left the store open for requests
        assert s.con.execute("SELECT 1").fetchall() == [(1,)]
    assert reopened == []


def test_a_lease_delays_a_request(lent):
    db, store, reopened = lent
    p = _holder(db, "1.0")
    opened = _stamp(p.stdout.readline(), "OPEN")
    with pytest.raises(StoreBusyError, match="lent to process"):
        store.cursor("request GET /api/v1/catalog", wait=0.1)
    got = []

    async def request():
        s = await store.acursor("request GET /api/v1/catalog", wait=30)
        try:
            got.append((time.time(), s.con.execute("SELECT count(*) FROM lease_probe").fetchall()[0][0]))
        finally:
            s.close()

    asyncio.run(request())
    closed = _stamp(p.stdout.readline(), "CLOSING")
    p.wait(timeout=10)
    assert got[0][0] >= closed > opened and got[0][1] == 1


def test_a_holder_killed_mid_lease_gives_the_store_back(lent):
    db, store, reopened = lent
    p = _holder(db, "hang")
    _stamp(p.stdout.readline(), "OPEN")
    entered = []
    t = threading.Thread(target=lambda: entered.append(store.cursor("job waiting", wait=30)))
    t.start()
    time.sleep(0.3)
    assert not entered
    p.kill()
    p.wait()
    t.join(timeout=30)
    assert entered and reopened == [1]
    with entered[0] as s:
        assert s.con.execute("SELECT 1").fetchall() == [(1,)]


def test_gate_holds_new_entries_while_a_lease_waits():
    gate = Gate()
    token = gate.enter("request A", 1)
    closer = threading.Thread(target=gate.close, args=("process 1 (ibrain catalog)", 5))
    closer.start()
    time.sleep(0.1)
    assert gate.try_enter("request B") is None  # a pending lease already holds newcomers back
    gate.leave(token)
    closer.join(timeout=5)
    with pytest.raises(StoreBusyError, match=r"lent to process 1 \(ibrain catalog\)"):
        gate.enter("request B", 0.05)
    gate.open()
    gate.leave(gate.enter("request B", 0))
    gate.shut()
    with pytest.raises(StoreBusyError, match="shutting down"):
        gate.enter("request C", 1)


def test_stale_socket_is_ignored_and_replaced(tmp_path):
    db = tmp_path / "stale.duckdb"
    Store(db).close()
    path = socket_path(db)
    path.parent.mkdir(mode=0o700, exist_ok=True)
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(str(path))  # a socket file nobody listens on: a server killed with SIGKILL
    dead.close()
    try:
        # a plain writer (no server) holds the file: the stale socket is not mistaken for a server
        p = _holder(db, "hang")
        _stamp(p.stdout.readline(), "OPEN")
        try:
            with pytest.raises(StoreBusyError, match="being written by another process"):
                Store(db, lock_timeout=0.3)
        finally:
            p.kill()
            p.wait()
        # the next server replaces the file and answers on it
        store = Store(db, lease=False)
        lease = store.serve_lease()
        lease.start()
        try:
            p = _holder(db, "0")
            assert p.wait(timeout=30) == 0, p.stderr.read()
        finally:
            lease.stop()
            store.close()
        assert not path.exists()
    finally:
        path.unlink(missing_ok=True)


def test_a_second_server_on_the_same_socket_is_refused(lent):
    db, store, reopened = lent
    other = LeaseServer(db, Gate(), lambda: None, lambda: None)
    with pytest.raises(StoreBusyError, match="another server"):
        other.start()


NESTED = textwrap.dedent("""
    import sys
    from industrial_brain.store import Store
    with Store(sys.argv[1]) as a, Store(sys.argv[1]) as b:  # the second shares the first one's lease
        b.con.execute("CREATE TABLE nested_probe AS SELECT 1 AS x")
        print(a.con.execute("SELECT count(*) FROM nested_probe").fetchall()[0][0])
""")


def test_a_process_opening_the_store_twice_asks_once(lent):
    db, store, reopened = lent
    r = subprocess.run(
        [sys.executable, "-c", NESTED, str(db)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "IBRAIN_LEASE_TIMEOUT": "3"},
    )
    assert r.returncode == 0 and r.stdout.strip() == "1", r.stderr
    with store.cursor(wait=10) as s:
        assert s.con.execute("SELECT x FROM nested_probe").fetchall() == [(1,)]


def test_a_server_without_a_runtime_dir_is_found_from_a_session_with_one(tmp_path, monkeypatch):
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)  # a server started as a service
    db = tmp_path / "xdg.duckdb"
    store = Store(db, lease=False)
    lease = store.serve_lease()
    lease.start()
    try:
        run = tmp_path / "run"
        run.mkdir(mode=0o700)
        p = subprocess.run(
            [sys.executable, "-c", HOLDER, str(db), "0"],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "XDG_RUNTIME_DIR": str(run)},
        )  # a login session
        assert p.returncode == 0, p.stderr
    finally:
        lease.stop()
        store.close()
