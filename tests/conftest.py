"""Shared fixtures: throw-away stores, a store with the embedded default data, file writers."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from industrial_brain.store import Store


@pytest.fixture
def store(tmp_path: Path):
    """An empty store in a temporary file."""
    s = Store(tmp_path / "empty.duckdb")
    yield s
    s.close()


@pytest.fixture(scope="session")
def default_db(tmp_path_factory) -> Path:
    """Path of a store loaded once with all embedded default data (never write to it: copy it)."""
    from industrial_brain.services.defaults import init_store

    path = tmp_path_factory.mktemp("default") / "default.duckdb"
    with Store(path) as s:
        init_store(s)
    return path


@pytest.fixture
def default_store(default_db: Path, tmp_path: Path):
    """A private, writable copy of the default-data store."""
    copy = tmp_path / "copy.duckdb"
    shutil.copy(default_db, copy)
    s = Store(copy)
    yield s
    s.close()


@pytest.fixture(autouse=True, scope="session")
def _relaxed_rate_limits():
    """Tests send requests back to back from one client: apps built without their own limits get
    generous ones here (tests/api/test_rate_limits.py checks the real limits with apps of their own)."""
    from industrial_brain.api import main
    from industrial_brain.api.limits import RateLimits

    kept = main.RATE_LIMITS
    main.RATE_LIMITS = RateLimits(
        per_client_rate=1e6,
        per_client_burst=10**6,
        global_rate=1e6,
        global_burst=10**6,
        per_client_inflight=64,
        global_inflight=64,
        queue_wait=30.0,
    )
    yield
    main.RATE_LIMITS = kept


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory) -> tuple[Path, Path]:
    """``ibrain demo`` run once per test session (and xdist worker) as a user runs it: its store and its
    output folder (report.html, report.zh.html, report.en.html). Never write to either."""
    tmp = tmp_path_factory.mktemp("demo")
    db, out = tmp / "demo.duckdb", tmp / "out"
    cmd = [sys.executable, "-m", "industrial_brain.cli.main", "demo", "--db", str(db), "--out", str(out)]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=1500)
    assert r.returncode == 0, r.stderr[-2000:]
    return db, out
