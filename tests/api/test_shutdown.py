"""A clean stop of ``ibrain serve`` (SIGTERM from systemd or docker, SIGINT from Ctrl-C): the store is
checkpointed and closed, so the database file alone holds every acknowledged write and no WAL is left.
Jobs a crash left queued or running are marked failed when the next server starts.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path


import pytest

from industrial_brain.api.main import close_app, create_app
from industrial_brain.errors import InputError
from industrial_brain.services.access import Principal
from industrial_brain.services.accounts import add_user
from industrial_brain.services.backup import backup_store
from industrial_brain.services.jobs import INTERRUPTED, job
from industrial_brain.store import Store
from industrial_brain.store.backup import table_counts
from industrial_brain.store.jobs import finish_job, insert_job, mark_running

from .serving import start_server

PASSWORD = "shutdown-pass-123"


def _post(base: str, path: str, data: dict, token: str | None = None) -> tuple[int, dict]:
    req = urllib.request.Request(base + path, data=urllib.parse.urlencode(data).encode(), method="POST")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def _serve(db: Path) -> tuple[subprocess.Popen, str]:
    return start_server(db)


@pytest.fixture
def account_db(tmp_path) -> Path:
    db = tmp_path / "served.duckdb"
    with Store(db) as s:
        add_user(s, "olga", PASSWORD, "admin")
    assert not Path(f"{db}.wal").exists()
    return db


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_stops_the_server_with_a_checkpoint(account_db, tmp_path, sig):
    db = account_db
    proc, base = _serve(db)
    try:
        for _ in range(3):  # three tokens issued: three rows written through the API
            status, tok = _post(base, "/api/v1/auth/token", {"username": "olga", "password": PASSWORD})
            assert status == 200, tok
        # the writes are acknowledged and, before the stop, live in the write-ahead log
        assert Path(f"{db}.wal").exists()
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err[-2000:]
    assert "Traceback" not in err, err[-2000:]
    assert not Path(f"{db}.wal").exists()
    # the file alone (copied without any WAL) holds the three tokens
    alone = tmp_path / "alone.duckdb"
    shutil.copy(db, alone)
    with Store(alone, read_only=True) as s:
        assert s.con.execute("SELECT count(*) FROM api_token").fetchall() == [(3,)]


def test_jobs_a_crash_left_unfinished_are_marked_failed_at_start(tmp_path):
    db = tmp_path / "crashed.duckdb"
    with Store(db) as s:  # what a killed server leaves behind: one job queued, one running, one done
        for job_id in ("stress-queued", "stress-running", "stress-done"):
            insert_job(s, job_id, "stress", "{}", "api:olga")
        mark_running(s, "stress-running")
        mark_running(s, "stress-done")
        finish_job(s, "stress-done", '{"ok": 1}')
    app = create_app(db)
    try:
        store = app.state.store
        rows = {j: job(store, j) for j in ("stress-queued", "stress-running", "stress-done")}
        audit = store.con.execute("SELECT detail FROM audit WHERE action = 'job_interrupted'").fetchall()
    finally:
        close_app(app)
    assert rows["stress-queued"]["status"] == rows["stress-running"]["status"] == "failed"
    assert rows["stress-queued"]["error"] == INTERRUPTED
    assert INTERRUPTED.startswith("interrupted: the server stopped before the job finished")
    assert rows["stress-running"]["finished_at"] is not None
    assert rows["stress-done"]["status"] == "done" and rows["stress-done"]["result"] == '{"ok": 1}'
    assert audit == [("2 job(s): stress-queued, stress-running",)]
    assert not Path(f"{db}.wal").exists()  # close_app checkpointed


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "industrial_brain.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "IBRAIN_LEASE_TIMEOUT": "60"},
    )


def test_backup_beside_a_running_server_is_a_consistent_copy(account_db, tmp_path):
    db = account_db
    dest = tmp_path / "backup.duckdb"
    proc, base = _serve(db)
    try:
        for _ in range(3):  # writes the server holds in its WAL
            assert _post(base, "/api/v1/auth/token", {"username": "olga", "password": PASSWORD})[0] == 200
        r = _cli("backup", str(dest), "--db", str(db))  # borrows the store through the lease
        assert r.returncode == 0, r.stderr
        assert r.stdout.startswith(f"backup 备份: {dest} — "), r.stdout
        again = _cli("backup", str(dest), "--db", str(db))
        assert again.returncode == 2
        assert again.stderr == (
            f"error: {dest}: destination already exists (expected a new file, or --force to replace it)\n"
        )
        # the server serves on after the lease: a login still works
        assert _post(base, "/api/v1/auth/token", {"username": "olga", "password": PASSWORD})[0] == 200
        assert proc.poll() is None
        copy = table_counts(dest)  # the copy opens on its own, without any WAL beside it
        assert not Path(f"{dest}.wal").exists()
        assert copy["api_token"] == 3 and copy["app_user"] == 1
        forced = _cli("backup", str(dest), "--db", str(db), "--force")
        assert forced.returncode == 0, forced.stderr
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    # the forced copy was made after the fourth login: it holds the store's rows, table by table
    assert table_counts(dest) == table_counts(db)
    assert table_counts(dest)["api_token"] == 4
    assert copy["audit"] + 1 == table_counts(dest)["audit"] - 1  # one backup row, one login row in between


def test_backup_refuses_the_store_itself_and_missing_folders(account_db, tmp_path):
    with Store(account_db) as s:
        with pytest.raises(InputError, match="destination is the store itself"):
            backup_store(s, account_db)
        with pytest.raises(InputError, match="no such folder"):
            backup_store(s, tmp_path / "nope" / "b.duckdb")
        counts = backup_store(s, tmp_path / "b.duckdb")
    assert dict(zip(counts["table"], counts["rows"]))["app_user"] == 1
    assert not list(tmp_path.glob(".b.duckdb.*.part"))  # no temporary file left


def test_jobs_still_queued_at_a_clean_stop_are_marked_failed(tmp_path):
    db = tmp_path / "queued.duckdb"
    app = create_app(db)
    runner, store = app.state.jobs, app.state.store
    started = threading.Event()

    def slow(s, progress):
        started.set()
        time.sleep(2)  # long enough for close_app to be called while the third job still waits
        return {"ok": 1}

    who = Principal("olga", "analyst")
    first = [runner.submit(store, who, "stress", {}, slow) for _ in range(2)]  # two workers: both run
    assert started.wait(30)
    queued = runner.submit(store, who, "stress", {}, slow)  # waits for a worker
    close_app(app)  # waits for the running jobs, cancels the queued one
    with Store(db, read_only=True) as s:
        rows = {j: job(s, j) for j in [*first, queued]}
    assert [rows[j]["status"] for j in first] == ["done", "done"]
    assert rows[queued]["status"] == "failed" and rows[queued]["error"] == INTERRUPTED
